"""Reference regions: 全国 → 河南省 → the 28 regions of the Henan 2020 notice's attachment 1.

The 10 province-administered counties (省直管县) and 济源示范区 report to the province. Two
districts of 郑州市 are included so that the tree shows the county level.
"""

import csv
from pathlib import Path

LEVEL_BY_KIND = {"省辖市": "city", "示范区": "zone", "省直管县(市)": "direct_county"}
QUOTA_TABLE = Path(__file__).resolve().parent / "fixtures" / "henan-2020-quota.csv"
ZHENGZHOU_DISTRICTS = [("410102", "中原区"), ("410105", "金水区")]


def load_reference_regions(region_model) -> None:
    """Create whatever reference region is missing; ``region_model`` may be a migration's."""

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
