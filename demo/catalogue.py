"""What the demo store sells: a home-and-kitchen brand's own products, and the Infibeam
marketplace's. HSN headings and GST slabs as such goods were taxed; prices are before GST."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CatalogueProduct:
    sku: str
    name: str
    hsn_code: str
    gst_rate: int
    price: Decimal
    weight_grams: int


def _table(text: str) -> list[CatalogueProduct]:
    rows = []
    for line in text.strip().splitlines():
        sku, name, hsn, rate, price, grams = (cell.strip() for cell in line.split("|"))
        rows.append(CatalogueProduct(sku, name, hsn, int(rate), Decimal(price), int(grams)))
    return rows


# SKU | name | HSN | GST % | price (₹, before GST) | weight (g)
OWN_PRODUCTS = _table("""
KH-BED-101  | Cotton Double Bedsheet with 2 Pillow Covers, Jaipuri Print | 6302 | 12 | 1249.00 | 900
KH-BED-102  | Cotton Single Bedsheet, Indigo Dabu Print                 | 6302 |  5 |  649.00 | 450
KH-BED-110  | Cotton Dohar, Reversible, Double                          | 6304 | 12 | 1499.00 | 1100
KH-BTH-201  | Cotton Bath Towel, 500 GSM, Pack of 2                     | 6302 |  5 |  599.00 | 650
KH-BTH-202  | Turkish Cotton Hand Towel Set of 4                        | 6302 |  5 |  449.00 | 400
KH-KIT-301  | Stainless Steel Water Bottle, 1 litre                     | 7323 | 12 |  399.00 | 320
KH-KIT-302  | Copper Water Bottle, 950 ml                               | 7418 | 12 |  749.00 | 420
KH-KIT-303  | Cast Iron Dosa Tawa, 12 inch                              | 7321 | 12 |  899.00 | 2600
KH-KIT-304  | Aluminium Pressure Cooker, 5 litre                        | 7615 | 12 | 1599.00 | 2300
KH-KIT-305  | Stainless Steel Lunch Box, 3 Containers                   | 7323 | 12 |  549.00 | 600
KH-KIT-306  | Non-stick Kadai with Lid, 24 cm                           | 7615 | 12 | 1099.00 | 1400
KH-KIT-307  | Brass Pooja Thali Set                                     | 7418 | 12 |  999.00 | 750
KH-APP-401  | Mixer Grinder, 750 W, 3 Jars                              | 8509 | 18 | 3199.00 | 4200
KH-APP-402  | Electric Kettle, 1.5 litre                                | 8516 | 18 |  899.00 | 950
KH-APP-403  | Dry Iron, 1000 W                                          | 8516 | 18 |  699.00 | 900
KH-APP-404  | LED Bulb 9 W, Pack of 4                                   | 8539 | 12 |  299.00 | 220
KH-FOD-501  | Assam CTC Tea, 1 kg                                       | 0902 |  5 |  429.00 | 1050
KH-FOD-502  | Coorg Filter Coffee Powder, 500 g                         | 0901 |  5 |  349.00 | 530
KH-FOD-503  | Kashmiri Mongra Saffron, 1 g                              | 0910 |  5 |  399.00 | 40
KH-FOD-504  | Wild Forest Honey, 500 g                                  | 0409 |  5 |  329.00 | 650
KH-FOD-505  | Cashew Nuts W320, 500 g                                   | 0801 |  5 |  549.00 | 540
KH-FOD-506  | Cow Ghee, 1 litre                                         | 0405 | 12 |  649.00 | 980
KH-FOD-507  | Aged Basmati Rice, 5 kg                                   | 1006 |  5 |  799.00 | 5100
KH-PER-601  | Sandalwood Bathing Bar, Pack of 6                         | 3401 | 18 |  299.00 | 780
KH-PER-602  | Herbal Hair Oil with Bhringraj, 200 ml                    | 3305 | 18 |  249.00 | 260
KH-PER-603  | Incense Sticks, Mogra, 12 Boxes                           | 3307 |  5 |  239.00 | 360
KH-DEC-701  | Brass Diya Set of 5                                       | 7419 | 12 |  549.00 | 500
KH-DEC-702  | Handwoven Cotton Dhurrie, 4 x 6 ft                        | 5702 | 12 | 1349.00 | 1800
KH-DEC-703  | Coir Doormat, Anti-skid                                   | 5705 | 12 |  349.00 | 900
KH-DEC-704  | Wooden Wall Clock, 12 inch                                | 9105 | 18 | 1099.00 | 1200
KH-TEX-801  | Women's Cotton Kurta, Block Print                         | 6211 |  5 |  799.00 | 250
KH-TEX-802  | Men's Cotton Kurta, Chikankari                            | 6211 | 12 | 1299.00 | 300
KH-TEX-803  | Silk Saree with Blouse Piece, Banarasi                    | 5007 |  5 | 3499.00 | 700
KH-TEX-804  | Cotton Stole, Kalamkari                                   | 6214 |  5 |  399.00 | 150
""")

INFIBEAM_PRODUCTS = _table("""
IB-ELE-1001 | Bluetooth Neckband Earphones                              | 8518 | 18 | 1269.00 | 180
IB-ELE-1002 | Power Bank 10000 mAh                                      | 8507 | 18 |  999.00 | 260
IB-ELE-1003 | USB-C Fast Charger, 25 W                                  | 8504 | 18 |  849.00 | 120
IB-ELE-1004 | Wireless Optical Mouse                                    | 8471 | 18 |  499.00 | 110
IB-ELE-1005 | Pen Drive 64 GB, USB 3.2                                  | 8523 | 18 |  449.00 | 30
IB-ELE-1006 | Smartwatch with Heart Rate Monitor                        | 8517 | 18 | 2799.00 | 160
IB-FAS-2001 | Men's Running Shoes                                       | 6404 | 18 | 1699.00 | 850
IB-FAS-2002 | Men's Slim Fit Jeans                                      | 6203 | 12 | 1199.00 | 600
IB-FAS-2003 | Cotton Round Neck T-shirt, Pack of 3                      | 6109 |  5 |  749.00 | 450
IB-FAS-2004 | Polarised Sunglasses                                      | 9004 | 18 | 1099.00 | 90
IB-FAS-2005 | Analog Wrist Watch, Leather Strap                         | 9102 | 18 | 1899.00 | 120
IB-FAS-2006 | Laptop Backpack, 30 litre                                 | 4202 | 18 | 1399.00 | 750
IB-HOM-3001 | Yoga Mat, 6 mm                                            | 9506 | 12 |  649.00 | 1100
IB-HOM-3002 | Kashmir Willow Cricket Bat                                | 9506 | 12 | 1599.00 | 1250
IB-HOM-3003 | Wooden Building Blocks, 100 Pieces                        | 9503 | 12 |  799.00 | 1300
IB-HOM-3004 | Ruled Notebooks, Pack of 6                                | 4820 | 12 |  279.00 | 1200
IB-HOM-3005 | Gel Pens, Pack of 10                                      | 9608 | 18 |  149.00 | 120
IB-HOM-3006 | Folding Umbrella, 3 Fold                                  | 6601 | 12 |  399.00 | 350
IB-FOD-4001 | California Almonds, 500 g                                 | 0802 | 12 |  489.00 | 530
IB-FOD-4002 | Darjeeling Green Tea, 100 Bags                            | 0902 |  5 |  399.00 | 260
""")
