"""What happened in the demo cases after the report. Everything here is invented.

`run.seed_case_facts(rng, cases, now)` adds these rows to case files written by redalert.demo.generate (or any
cases that keep the same invariants), consistent with each case's status and dates, one step per module:

- `trafficking`: trafficking facts for a share of the cases past verification, more often for those located; a
  woman still missing is at most a possible victim (mostly), and what is not known stays not known ([] for "not
  recorded", ["NotKnown"], "unknown"), so that the statistics show their "no data" rows; route stops (recruitment
  where she was last seen, transit, exploitation mostly in another state or country, places from the loaded
  gazetteer, see `places`) dated between the day she was last seen and the day she was located (or the case was
  closed, or today), some undated, some without a place;
- `outcomes`: a located case (located_on set) has one Outcome dated located_on, alive or deceased as its status
  history says;
- `legal`: proceedings only for cases whose current consent to legal representation is granted, the complaint
  after that consent, a status history that follows the proceeding's statuses (a decline with its reason), accused
  persons convicted or acquitted on the day of the sentence;
- `care`: services to the victim after she was located; to the family before (while searching) and after;
  humanitarian expenses in the currency of the organisation's country (Decimal, never summed across currencies);
- `alerts`: Red Alerts only for cases whose consent to share with authorities is granted, issued during the active
  search to authorities of a small directory per organisation, cancelled once she was located. Their messages are
  recorded as already sent, and every deadline of the escalation rules that passed without an acknowledgement has
  its escalation recorded, so the worker finds nothing to send or escalate.

`cases` holds what every step reads (the cases of a batch, the staff who sign) and shares (the random generator
and the clock); the random draws themselves are redalert.demo.draws. Prevention activities are not tied to cases:
redalert.prevention.demo writes them, and `manage.py seed_demo` calls it beside these steps.

Nothing is dated after `now`. The same rng state, cases and `now` give the same rows (only the secret nonce of
each alert recipient is drawn from `secrets`): `run` calls the steps of each case in a fixed order of draws. Rows
are written batch by batch of cases with redalert.demo.rows.Rows; the ids the next table needs are read back by
their natural keys. As in generate, no per-object service is called (each would audit every object): the caller
audits the seeding as a whole.
"""
