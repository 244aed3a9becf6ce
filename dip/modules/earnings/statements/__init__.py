"""Reading earnings statements: Upwork exports, the platform's template, any CSV or XLSX.

Pure: bytes in, :class:`Parsed` out. No database, no request. The import job
(``earnings.imports``) decides what to store (natural keys make a second import of the same
file add nothing). The package reads in one direction:

``table``      the file → header and records (XLSX, CSV in any encoding and separator)
``values``     one cell → an amount, a date, a currency, a platform, clean text
``rows``       one record's cells → a Row, a Skipped or a Rejected record (natural keys)
``upwork``, ``upwork_legacy``, ``template``, ``mapped``
               one module per layout: which columns hold what, and what a row means
``parsing``    the layout from the header, every record read, total rows, date order

A date more than one day after ``today`` is "in the future" (one day of slack because
``today`` is UTC while a statement may be in local time); before 2015-01-01 is rejected.
Amounts obey the money rule of ``dip.core.money`` (two decimals, one maximum).
"""
from dip.core.money import CURRENCIES, MAX_AMOUNT  # noqa: F401
from dip.modules.earnings.statements.mapped import FIELD_LABELS  # noqa: F401
from dip.modules.earnings.statements.parsing import (  # noqa: F401
    FORMATS, ORDERS, DateOrderNeeded, date_question, detect, parse, preview,
)
from dip.modules.earnings.statements.rows import Parsed, Rejected, Row, Skipped  # noqa: F401
from dip.modules.earnings.statements.table import (  # noqa: F401
    MAX_BYTES, MAX_ROWS, StatementError, header_signature, read_table,
)
from dip.modules.earnings.statements.template import (  # noqa: F401
    TEMPLATE_EXAMPLE, TEMPLATE_EXAMPLE_MARK, TEMPLATE_HEADER, template_csv, template_xlsx,
)
from dip.modules.earnings.statements.upwork import upwork_category  # noqa: F401
from dip.modules.earnings.statements.values import (  # noqa: F401
    EARLIEST, currency_code, kind_code, parse_amount, parse_date, platform_code,
)
