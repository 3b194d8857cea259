"""Reference regions: 全国 → 河南省 → the 28 regions of the Henan 2020 notice's attachment 1.

The 10 province-administered counties (省直管县) and 济源示范区 report to the province.
Two districts of 郑州市 are included so the tree shows the county level.
"""

import csv
from pathlib import Path

from django.db import migrations

LEVEL_BY_KIND = {"省辖市": "city", "示范区": "zone", "省直管县(市)": "direct_county"}
CSV_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "henan-2020-quota.csv"
ZHENGZHOU_DISTRICTS = [("410102", "中原区"), ("410105", "金水区")]


def load_regions(apps, schema_editor):
    Region = apps.get_model("orgs", "Region")

    def add(code, name, level, parent):
        path = f"{parent.path if parent else '/'}{code}/"
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent, "path": path}
        )
        return region

    nation = add("000000", "全国", "nation", None)
    province = add("410000", "河南省", "province", nation)
    with CSV_PATH.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            add(row["region_code"], row["region_name"], LEVEL_BY_KIND[row["region_kind"]], province)
    zhengzhou = Region.objects.get(code="410100")
    for code, name in ZHENGZHOU_DISTRICTS:
        add(code, name, "county", zhengzhou)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
