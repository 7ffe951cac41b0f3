# Django's zh_Hans formats set no digit grouping, so 143655 members would show ungrouped;
# county offices write 143,655. Only the number formats are overridden here.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
