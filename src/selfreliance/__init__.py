"""selfreliance: diagnose, analyse and intervene on digital self-reliance in IT support.

The package is organised by pipeline step: ``ingest`` (exports to canonical tables),
``clean`` (validation, quarantine, time, pseudonymisation), ``categorise`` (codebook and
classifier), ``metrics`` (diagnose), ``hypotheses`` (analyse), ``interventions``
(intervene) and ``reports`` (papermill and HTML rendering).
"""

__version__ = "0.1.0"
