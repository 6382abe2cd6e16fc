"""The tables of the yearly report, grouped by area: one builder per table, each taking the report's data
(redalert.statistics.loading.YearData) and returning a redalert.statistics.tables.Table with its definition.
The report lists them in order in redalert.statistics.report.TABLES.

- cases: cases worked, located and not located, located alive or deceased
- people: sex, age, nationality, indigenous peoples
- places: where she was last seen, and the trafficking route's places of origin, transit and destination
- trafficking: types of exploitation, organised-crime involvement
- legal: legal assistance, impunity
- care: services given, humanitarian expenses
- alerts: Red Alerts issued, alert accountability by authority
- layout: the shapes the tables share (a "cases" column, category rows, the "no data" row)
"""
