"""Indian given names and surnames by region, so that a customer in Chennai is usually named like
someone from Chennai. Each region is (male given names, female given names, surnames)."""


def given_name(rng, region) -> str:
    """A male or female given name of the region, even odds."""
    male, female, _ = region
    return rng.choice(male if rng.random() < 0.5 else female)


def surname(rng, region) -> str:
    _, _, surnames = region
    return rng.choice(surnames)


def words(text: str) -> list[str]:
    return text.split()


NORTH = (
    words("""Aarav Aditya Rohit Amit Rahul Vikas Sandeep Manish Gaurav Ankit Saurabh Pankaj Deepak
          Nikhil Harsh Kunal Mohit Abhishek Varun Vivek"""),
    words("""Priya Neha Pooja Anjali Ritu Sneha Shweta Kavya Aditi Nisha Swati Pallavi Komal Shruti
          Isha Divya Megha Sakshi Tanvi Riya"""),
    words("""Sharma Verma Gupta Singh Yadav Mishra Pandey Tiwari Chauhan Agarwal Jain Saxena
          Srivastava Chaudhary Rathore Bansal Malhotra Kapoor Arora Khanna Sethi Dubey Rawat
          Negi"""),
)
PUNJAB = (
    words("Harpreet Gurpreet Manpreet Jaspreet Navjot Amandeep Karan Arjun Ravinder"),
    words("Simran Harleen Jasleen Navneet Gurleen Manjeet Kiranjot Rupinder"),
    words("Sandhu Dhillon Grewal Gill Sidhu Brar Bajwa Kaur Randhawa Bedi"),
)
EAST = (
    words("""Arnab Sourav Debashish Subhajit Arijit Sayan Rajdeep Subham Biswajit Pradeep Abhijit
          Indranil"""),
    words("""Moumita Sreeparna Poulami Ishita Payel Sasmita Priyanka Lopamudra Ananya Tanushree
          Debjani"""),
    words("""Banerjee Chatterjee Mukherjee Ghosh Bose Das Sen Dutta Roy Chakraborty Mohanty Patnaik
          Sahoo Panda Nayak Behera"""),
)
BIHAR = (
    words("Rakesh Ranjeet Sunil Manoj Alok Nitish Rajeev Shashank Ravi"),
    words("Puja Rani Nidhi Shalini Archana Khushboo Jyoti Smita"),
    words("Kumar Prasad Sinha Jha Thakur Mahto Choudhary Mandal Pathak"),
)
NORTHEAST = (
    words("""Bikash Pranjal Rituraj Dhruba Lalremruata Temjen Tsering Dorjee Sangay Ibomcha Bijoy
          Neiphiu"""),
    words("""Parismita Bidisha Jonali Lalrinpuii Vanlalhriati Pema Sanatombi Bidyarani Daphisha
          Akum"""),
    words("""Baruah Gogoi Bora Saikia Kalita Hazarika Deka Lyngdoh Kharkongor Sangma Marak Bhutia
          Lepcha Gurung Tamang Debbarma Ningombam Ao Sema"""),
)
MAHARASHTRA = (
    words("Omkar Siddharth Prathamesh Sagar Tejas Aniket Shreyas Rohan Akshay Mandar Ninad"),
    words("Sayali Rutuja Gauri Madhura Snehal Ketaki Aishwarya Mrunal Shraddha Ashwini"),
    words("""Patil Deshmukh Kulkarni Joshi Jadhav Pawar Shinde Deshpande Gokhale Kale Sawant More
          Bhosale Apte"""),
)
GUJARAT = (
    words("Hardik Parth Jay Dhruv Kishan Nirav Chirag Jignesh Bhavin Viral"),
    words("Krupa Hetal Dhara Foram Khushi Riddhi Mansi Nidhi Bhumi Jinal"),
    words("Patel Shah Mehta Desai Parikh Trivedi Bhatt Modi Vyas Panchal Thakkar"),
)
GOA = (
    words("Joel Aaron Rohan Savio Nikhil Anthony Pratap"),
    words("Clara Sonia Leena Maria Pooja Sheetal Fatima"),
    words("Fernandes DSouza Naik Kamat Sardesai Gaonkar Rodrigues Pereira Dessai"),
)
KARNATAKA = (
    words("Manjunath Prajwal Chetan Kiran Rakesh Girish Sudeep Puneeth Darshan"),
    words("Deepa Kavya Shwetha Pavithra Spoorthi Ananya Bhavya Rashmi Sahana"),
    words("Gowda Shetty Hegde Rao Bhat Kamath Kulkarni Patil Murthy Prasad"),
)
TAMIL_NADU = (
    words("Karthik Arun Vignesh Prakash Senthil Balaji Dinesh Suresh Gokul Aravind"),
    words("Lakshmi Divya Keerthana Nandhini Revathi Sangeetha Meena Priyadharshini Janani"),
    words("""Iyer Iyengar Raman Krishnan Subramanian Natarajan Venkatesan Murugan Pillai Sundaram
          Rajan"""),
)
KERALA = (
    words("Arjun Vishnu Akhil Anand Jithin Sreejith Abhilash Nithin Jose"),
    words("Athira Aswathy Nimisha Sreelakshmi Anjali Reshma Gopika Ann"),
    words("Nair Menon Pillai Kurian Thomas Varghese Joseph Nambiar Panicker Mathew"),
)
TELUGU = (
    words("Srinivas Venkat Ravi Sai Harsha Pavan Mahesh Naveen Teja Chaitanya"),
    words("Sravani Swathi Keerthi Harika Lavanya Bhavana Sindhu Mounika Tejaswi"),
    words("Reddy Rao Naidu Chowdary Varma Goud Raju Yadav Setty"),
)

# GST state code -> the region whose names are most common there.
REGION_OF_STATE = {
    "01": NORTH, "02": NORTH, "03": PUNJAB, "04": PUNJAB, "05": NORTH, "06": NORTH, "07": NORTH,
    "08": NORTH, "09": NORTH, "10": BIHAR, "11": NORTHEAST, "12": NORTHEAST, "13": NORTHEAST,
    "14": NORTHEAST, "15": NORTHEAST, "16": NORTHEAST, "17": NORTHEAST, "18": NORTHEAST, "19": EAST,
    "20": BIHAR, "21": EAST, "22": NORTH, "23": NORTH, "24": GUJARAT, "26": GUJARAT,
    "27": MAHARASHTRA, "29": KARNATAKA, "30": GOA, "31": KERALA, "32": KERALA, "33": TAMIL_NADU,
    "34": TAMIL_NADU, "35": TAMIL_NADU, "36": TELUGU, "37": TELUGU, "38": NORTHEAST,
}  # fmt: skip
ALL_REGIONS = [
    NORTH, PUNJAB, EAST, BIHAR, NORTHEAST, MAHARASHTRA, GUJARAT, GOA, KARNATAKA, TAMIL_NADU, KERALA,
    TELUGU,
]  # fmt: skip

EMAIL_DOMAINS = words(
    "gmail.com gmail.com gmail.com yahoo.co.in outlook.com rediffmail.com icloud.com"
)

# First two digits of mobile numbers, weighted roughly like the numbers in use; every one is a
# mobile range in phonenumbers' metadata for India.
MOBILE_PREFIXES = words("98 99 97 96 95 94 93 92 91 90 98 99 97 85 84 74 72 70 70 69 60")
