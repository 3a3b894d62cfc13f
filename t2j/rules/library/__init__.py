"""The rules, grouped by topic; every module here is imported by `t2j.rules.base.load_library`."""
