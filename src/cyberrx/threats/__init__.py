"""Threat intelligence for practices (issue 15): pure, over the domain and the reference data.

    catalogue     vendors and products normalised to ids, the spellings of KEV and of practices (reference data)
    versions      version comparison and CPE 2.3 version ranges (is this version affected?)
    kev           CISA's KEV catalog validated against its schema; the shipped snapshot
    stix          STIX 2.1 bundles (the ``stix2`` library) in and out
    inventory     a profile's ``technology`` (and ``ehr``, ``remote_access``) normalised; unknown items reported
    matching      inventory x feed -> findings (how matched, version affected, urgent, due date, action)
    risk          open urgent findings -> exposures raising scenario frequencies; HICP links sized to the practice
    publications  HC3's three forms (threat briefing, sector alert, analyst note): Markdown in, typed out

Nothing here reads files other than the package's reference data, opens a database or prints.
"""
