"""The carrier's book: accumulation through shared vendors and products, and what reinsurance leaves.

Data flow (DESIGN.md "Data flow of a book"): policies in force (profile + terms + shared dependencies,
:mod:`.book`) -> per block of simulated years, the systemic events of the catalogue (:mod:`.catalogue`) drawn
once for the whole book, and per practice its attritional events from the per-practice engine on its own keyed
streams (:mod:`.kernel`) -> each practice's insured loss under its own terms, systemic rows included, reduced
inside the worker to per-year sums and per-event losses -> the year loss table (:mod:`.run`) -> AAL, OEP/AEP,
PML, TVaR (:mod:`.metrics`), reinsurance (:mod:`.reinsurance`), contributions and accumulations
(:class:`.result.PortfolioResult`); OED cyber accounts in and out (:mod:`.oed`).

Pure: no file, database or HTTP here except reading the book's YAML through the domain's parser.
"""
