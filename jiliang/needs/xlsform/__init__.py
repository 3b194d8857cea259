"""XLSForm import and export: the ``survey``, ``choices`` and ``settings`` sheets that
KoboToolbox and ODK users write in Excel."""

from jiliang.needs.xlsform.reading import read_xlsform
from jiliang.needs.xlsform.writing import write_xlsform

__all__ = ["read_xlsform", "write_xlsform"]
