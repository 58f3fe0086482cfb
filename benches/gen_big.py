#!/usr/bin/env python3
"""benches/gen_big.py OUT.csv [ROWS]: a large marketplace-style export (US dates, "$1,234.50" money, quoted
names with commas, all product lines) for timing lpkpi against polars and pandas on one file."""
import csv, random, sys, datetime as dt
from decimal import Decimal as D

# (part, name, type cell, line, components, unit price USD)
CATALOG = [
    ("AZ-104T00", "AZ-104T00: Microsoft Azure Administrator - Student Kit", "Microsoft Training Courseware", "courseware", 1, D("295.00")),
    ("AZ-900T00-A", "Microsoft Azure Fundamentals (DMOC)", "Microsoft Training Courseware", "courseware", 1, D("120.00")),
    ("20533C", "MOC 20533C Implementing Microsoft Azure Infrastructure Solutions", "MOC", "courseware", 1, D("310.50")),
    ("10961", "Automating Administration with Windows PowerShell", "Courseware", "courseware", 1, D("275.00")),
    ("40567", "40567A Microsoft Training Course: Power BI in a Day", "Microsoft Training Courses", "courseware", 1, D("99.99")),
    ("405123", "Microsoft Cloud Workshop: Serverless architecture", "Microsoft Cloud Workshops", "courseware", 1, D("150.00")),
    ("MS-4004", "MS-4004 Empower your workforce with Copilot", "Microsoft Training Courseware", "courseware", 1, D("80.00")),
    ("DP-900T00", "MOC On-Demand: Azure Data Fundamentals (180-day access)", "MOC On-Demand", "courseware", 1, D("210.00")),
    ("MS-700T00", "MS-700T00 Managing Microsoft Teams, Collaboration Courseware", "Microsoft Training Courseware", "courseware", 1, D("260.00")),
    ("PKG-AZ-ADMIN", "Packaged Set: Azure Administrator learning path", "Packaged Set", "courseware", 3, D("700.00")),
    ("MTA-98-364", "MTA Courseware 98-364 Database Fundamentals", "MTA Courseware", "courseware", 1, D("60.00")),
    ("MCCV-AZ900", "Microsoft Course Certificate Voucher - Azure Fundamentals", "Course Certificate Voucher", "mccv", 1, D("35.00")),
    ("MCCV-SET-5", "Packaged Set: Course Certificate Vouchers (5 courses)", "Course Certificate Voucher", "mccv", 5, D("160.00")),
    ("AZ-104-VCH", "Microsoft Certified Professional Exam Voucher AZ-104", "Microsoft Exams", "exam", 1, D("165.00")),
    ("EXB-AZ-305", "Exam Bundle AZ-305 with Retake and Practice Test", "Microsoft Exams", "exam", 1, D("230.00")),
    ("AZ-EXAM-SET", "Azure Exam Set (packaged)", "Microsoft Exams", "exam", 1, D("480.00")),
    ("MTA-EXV-361", "MTA Exam Voucher 98-361", "Microsoft Exams", "exam", 1, D("127.00")),
    ("LAB-AZ104", "Microsoft Labs Online - AZ-104 (180 days)", "Microsoft Authorized Labs", "lab", 1, D("45.00")),
    ("MAL-DP203", "DP-203 Authorized Lab access", "Microsoft Authorized Labs", "lab", 1, D("55.00")),
    ("FL-COPILOT", "First Look Clinic: Copilot for Microsoft 365", "First Look", "excluded", 1, D("0.00")),
    ("FREE-AI900", "AI-900 Free Content pack", "Free content", "excluded", 1, D("0.00")),
    ("55238A", "55238A SharePoint Online for Administrators", "Other", "unknown", 1, D("190.00")),
    ("CAT-LUNCH", "Classroom catering (per student)", "Other", "unknown", 1, D("25.00")),
]


out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(7)
start = dt.date(2026, 1, 1)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Order Number", "Line", "Invoice Date", "Part Number", "Product Name", "Product Type", "Quantity", "Unit Price", "Total", "Currency", "Status"])
    order = 10_000_000
    for i in range(n):
        if i % 3 == 0:
            order += 1
        part, name, typ, kind, comp, price = CATALOG[rng.randrange(len(CATALOG))]
        q = rng.randrange(1, 40)
        d = start + dt.timedelta(days=rng.randrange(500))
        w.writerow([order, i % 3 + 1, d.strftime("%m/%d/%Y"), part, name + (", Digital" if i % 7 == 0 else ""), typ, q,
                    f"${price:,.2f}", f"${price * q:,.2f}", "USD", "Invoiced"])
