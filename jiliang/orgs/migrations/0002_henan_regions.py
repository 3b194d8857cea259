"""The first reference regions: 全国 → 河南省 → the 28 regions of the Henan 2020 notice's
attachment 1 (the 10 province-administered counties and 济源示范区 under the province), and
two districts of 郑州市. Kept as it ran: 0003 loads the national tree around these rows."""

import csv
from pathlib import Path

from django.db import migrations

LEVEL_BY_KIND = {"省辖市": "city", "示范区": "zone", "省直管县(市)": "direct_county"}
QUOTA_TABLE = Path(__file__).resolve().parent.parent / "fixtures" / "henan-2020-quota.csv"
ZHENGZHOU_DISTRICTS = [("410102", "中原区"), ("410105", "金水区")]


def load_regions(apps, schema_editor):
    region_model = apps.get_model("orgs", "Region")

    def add(code, name, level, parent):
        path = f"{parent.path if parent else '/'}{code}/"
        region, _created = region_model.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent, "path": path}
        )
        return region

    nation = add("000000", "全国", "nation", None)
    province = add("410000", "河南省", "province", nation)
    with QUOTA_TABLE.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            add(row["region_code"], row["region_name"], LEVEL_BY_KIND[row["region_kind"]], province)
    zhengzhou = region_model.objects.get(code="410100")
    for code, name in ZHENGZHOU_DISTRICTS:
        add(code, name, "county", zhengzhou)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
