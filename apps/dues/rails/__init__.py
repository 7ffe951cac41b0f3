"""One module per part of the dues app (ledger, tax statements, finance transfers and reports,
arrears, membership dues), each declaring what its part adds to the shared rails."""

from . import arrears, finance, ledger, memberdues, statements

PARTS = (ledger, statements, finance, arrears, memberdues)
