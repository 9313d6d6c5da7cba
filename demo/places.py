"""Where demo customers live: real localities with their PIN codes, in every GST state.

A locality is picked uniformly from the table, so cities with more lines get more customers
(the metros have the most). STATE_PIN_PREFIXES is India Post's allocation of PIN codes to
states, by leading digits; every PIN below starts with one of its state's prefixes.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Locality:
    state: str  # GST state code
    city: str
    name: str
    pin_code: str


def _table(text: str) -> list[Locality]:
    rows = []
    for line in text.strip().splitlines():
        state, city, name, pin = (cell.strip() for cell in line.split("|"))
        rows.append(Locality(state, city, name, pin))
    return rows


LOCALITIES = _table("""
27 | Mumbai             | Andheri West          | 400053
27 | Mumbai             | Bandra West           | 400050
27 | Mumbai             | Powai                 | 400076
27 | Mumbai             | Dadar West            | 400028
27 | Mumbai             | Borivali West         | 400092
27 | Mumbai             | Chembur               | 400071
27 | Mumbai             | Malad West            | 400064
27 | Thane              | Naupada               | 400602
27 | Navi Mumbai        | Vashi                 | 400703
27 | Pune               | Kothrud               | 411038
27 | Pune               | Aundh                 | 411007
27 | Pune               | Viman Nagar           | 411014
27 | Pune               | Hadapsar              | 411028
27 | Pune               | Baner                 | 411045
27 | Nagpur             | Dharampeth            | 440010
27 | Nashik             | College Road          | 422005
27 | Chhatrapati Sambhajinagar | Cidco          | 431003
29 | Bengaluru          | Indiranagar           | 560038
29 | Bengaluru          | Koramangala           | 560034
29 | Bengaluru          | Jayanagar             | 560041
29 | Bengaluru          | Whitefield            | 560066
29 | Bengaluru          | Malleshwaram          | 560003
29 | Bengaluru          | HSR Layout            | 560102
29 | Bengaluru          | Electronic City       | 560100
29 | Mysuru             | Saraswathipuram       | 570009
29 | Mangaluru          | Kadri                 | 575002
29 | Hubballi           | Vidyanagar            | 580021
33 | Chennai            | T. Nagar              | 600017
33 | Chennai            | Adyar                 | 600020
33 | Chennai            | Anna Nagar            | 600040
33 | Chennai            | Velachery             | 600042
33 | Chennai            | Mylapore              | 600004
33 | Coimbatore         | R.S. Puram            | 641002
33 | Madurai            | K.K. Nagar            | 625020
33 | Tiruchirappalli    | Srirangam             | 620006
07 | New Delhi          | Lajpat Nagar          | 110024
07 | New Delhi          | Dwarka Sector 10      | 110075
07 | New Delhi          | Rohini Sector 7       | 110085
07 | New Delhi          | Saket                 | 110017
07 | New Delhi          | Karol Bagh            | 110005
07 | New Delhi          | Mayur Vihar Phase 1   | 110091
07 | New Delhi          | Janakpuri             | 110058
09 | Noida              | Sector 18             | 201301
09 | Ghaziabad          | Indirapuram           | 201014
09 | Lucknow            | Gomti Nagar           | 226010
09 | Lucknow            | Hazratganj            | 226001
09 | Kanpur             | Civil Lines           | 208001
09 | Varanasi           | Lanka                 | 221005
09 | Agra               | Tajganj               | 282001
09 | Prayagraj          | Civil Lines           | 211001
36 | Hyderabad          | Banjara Hills         | 500034
36 | Hyderabad          | Madhapur              | 500081
36 | Hyderabad          | Kukatpally            | 500072
36 | Hyderabad          | Gachibowli            | 500032
36 | Secunderabad       | Marredpally           | 500026
36 | Hanamkonda         | Nakkalagutta          | 506001
19 | Kolkata            | Salt Lake Sector V    | 700091
19 | Kolkata            | Ballygunge            | 700019
19 | Kolkata            | Behala                | 700034
19 | Kolkata            | New Town              | 700156
19 | Howrah             | Shibpur               | 711102
19 | Siliguri           | Hakimpara             | 734001
19 | Durgapur           | City Centre           | 713216
24 | Ahmedabad          | Navrangpura           | 380009
24 | Ahmedabad          | Satellite             | 380015
24 | Ahmedabad          | Maninagar             | 380008
24 | Surat              | Adajan                | 395009
24 | Vadodara           | Alkapuri              | 390007
24 | Rajkot             | Kalawad Road          | 360005
08 | Jaipur             | Malviya Nagar         | 302017
08 | Jaipur             | Vaishali Nagar        | 302021
08 | Jaipur             | C-Scheme              | 302001
08 | Jodhpur            | Sardarpura            | 342003
08 | Udaipur            | Hiran Magri           | 313002
08 | Kota               | Talwandi              | 324005
32 | Kochi              | Kakkanad              | 682030
32 | Kochi              | Edappally             | 682024
32 | Thiruvananthapuram | Pattom                | 695004
32 | Kozhikode          | Nadakkavu             | 673011
32 | Thrissur           | Punkunnam             | 680002
06 | Gurugram           | DLF Phase 3           | 122002
06 | Gurugram           | Sector 56             | 122011
06 | Faridabad          | Sector 15             | 121007
06 | Panchkula          | Sector 8              | 134109
06 | Hisar              | Model Town            | 125005
03 | Ludhiana           | Sarabha Nagar         | 141001
03 | Amritsar           | Ranjit Avenue         | 143001
03 | Jalandhar          | Model Town            | 144003
03 | Mohali             | Phase 7               | 160062
03 | Patiala            | Leela Bhawan          | 147001
04 | Chandigarh         | Sector 17             | 160017
04 | Chandigarh         | Sector 22             | 160022
23 | Bhopal             | Arera Colony          | 462016
23 | Bhopal             | MP Nagar              | 462011
23 | Indore             | Vijay Nagar           | 452010
23 | Indore             | Palasia               | 452001
23 | Gwalior            | Lashkar               | 474009
23 | Jabalpur           | Napier Town           | 482001
10 | Patna              | Boring Road           | 800001
10 | Patna              | Kankarbagh            | 800020
10 | Gaya               | Civil Lines           | 823001
10 | Muzaffarpur        | Brahmpura             | 842003
21 | Bhubaneswar        | Saheed Nagar          | 751007
21 | Bhubaneswar        | Patia                 | 751024
21 | Cuttack            | Buxi Bazaar           | 753001
21 | Rourkela           | Civil Township        | 769004
18 | Guwahati           | Ganeshguri            | 781006
18 | Guwahati           | Zoo Road              | 781024
18 | Dibrugarh          | Chowkidinghee         | 786001
18 | Silchar            | Tarapur               | 788003
20 | Ranchi             | Lalpur                | 834001
20 | Ranchi             | Harmu                 | 834002
20 | Jamshedpur         | Bistupur              | 831001
20 | Dhanbad            | Hirapur               | 826001
22 | Raipur             | Shankar Nagar         | 492007
22 | Bilaspur           | Vyapar Vihar          | 495001
22 | Bhilai             | Sector 6              | 490006
05 | Dehradun           | Rajpur Road           | 248001
05 | Haridwar           | Jwalapur              | 249407
05 | Haldwani           | Nainital Road         | 263139
02 | Shimla             | The Mall              | 171001
02 | Dharamshala        | Kotwali Bazar         | 176215
02 | Mandi              | Seri Manch            | 175001
01 | Jammu              | Gandhi Nagar          | 180004
01 | Srinagar           | Rajbagh               | 190008
38 | Leh                | Changspa              | 194101
38 | Kargil             | Baroo                 | 194103
30 | Panaji             | Altinho               | 403001
30 | Margao             | Fatorda               | 403602
30 | Mapusa             | Karaswada             | 403526
37 | Visakhapatnam      | MVP Colony            | 530017
37 | Visakhapatnam      | Dwaraka Nagar         | 530016
37 | Vijayawada         | Benz Circle           | 520010
37 | Guntur             | Brodipet              | 522002
37 | Tirupati           | Balaji Colony         | 517502
34 | Puducherry         | White Town            | 605001
34 | Puducherry         | Lawspet               | 605008
11 | Gangtok            | MG Marg               | 737101
12 | Itanagar           | Ganga Market          | 791111
13 | Kohima             | High School Area      | 797001
13 | Dimapur            | Duncan Basti          | 797112
14 | Imphal             | Thangal Bazar         | 795001
15 | Aizawl             | Zarkawt               | 796001
16 | Agartala           | Krishnanagar          | 799001
17 | Shillong           | Laitumkhrah           | 793003
17 | Shillong           | Police Bazar          | 793001
26 | Silvassa           | Amli                  | 396230
26 | Daman              | Nani Daman            | 396210
31 | Kavaratti          | Kavaratti Island      | 682555
35 | Port Blair         | Aberdeen Bazaar       | 744101
""")

# India Post's PIN allocation by state (leading digits of the PIN code).
STATE_PIN_PREFIXES = {
    "01": ("18", "19"), "02": ("17",), "03": ("14", "15", "16"), "04": ("160",),
    "05": ("24", "25", "26"), "06": ("12", "13"), "07": ("11",),
    "08": ("30", "31", "32", "33", "34"),
    "09": ("20", "21", "22", "23", "24", "25", "26", "27", "28"),
    "10": ("80", "81", "82", "83", "84", "85"), "11": ("737",), "12": ("790", "791", "792"),
    "13": ("797", "798"), "14": ("795",), "15": ("796",), "16": ("799",), "17": ("793", "794"),
    "18": ("78",), "19": ("70", "71", "72", "73", "74"), "20": ("81", "82", "83"),
    "21": ("75", "76", "77"), "22": ("49",), "23": ("45", "46", "47", "48"),
    "24": ("36", "37", "38", "39"), "26": ("396", "362"), "27": ("40", "41", "42", "43", "44"),
    "29": ("56", "57", "58", "59"), "30": ("403",), "31": ("682",), "32": ("67", "68", "69"),
    "33": ("60", "61", "62", "63", "64"), "34": ("605", "533", "609", "673"), "35": ("744",),
    "36": ("50",), "37": ("51", "52", "53"), "38": ("194",),
}  # fmt: skip

BUILDINGS = [
    "Sai Krupa Apartments", "Shanti Niketan", "Green Valley Residency", "Lakeview Towers",
    "Sunshine Enclave", "Shree Ganesh Heights", "Royal Palms", "Kaveri Residency",
    "Gulmohar Society", "Krishna Kunj", "Silver Oak Apartments", "Prestige Park",
    "Ashirwad Complex", "Vrindavan Society", "Om Shanti Bhavan", "Lotus Court", "Maple Heights",
    "Laxmi Niwas",
]  # fmt: skip
STREETS = [
    "MG Road", "Station Road", "Gandhi Nagar Main Road", "Nehru Street", "Temple Street",
    "Church Road", "College Road", "Link Road", "Ring Road", "Market Road", "2nd Cross Road",
    "4th Main Road", "Hospital Road", "Subhash Marg", "Tilak Road", "Ambedkar Road",
]  # fmt: skip
LANDMARKS = [
    "Near SBI ATM", "Opposite Bus Stand", "Behind Ganesh Temple", "Near Government School",
    "Opposite Reliance Fresh", "Near Apollo Pharmacy", "Next to HP Petrol Pump",
    "Near Metro Station", "Behind Post Office", "Near Hanuman Mandir", "Opposite Big Bazaar",
    "Near Railway Crossing", "Near Gurudwara", "Opposite Municipal Park", "Near St. Mary's Church",
    "Near Jama Masjid", "Near D-Mart", "Opposite Police Station", "Near Water Tank",
    "Behind City Hospital",
]  # fmt: skip
OFFICES = [
    "Tech Park, Block B", "Trade Centre, 5th Floor", "Business Bay, Tower 2", "Corporate Park",
    "IT Park, Wing A", "Commerce House, 3rd Floor",
]  # fmt: skip
