"""The carrier's book: accumulation, the systemic-event catalogue, reinsurance, and OED exchange (``oed``)."""
