"""The strategies' implementation, by concern (the public names are in
:mod:`pytest_interactor.strategies`; nothing here is public API):

- :mod:`.schema`: the contracts' JSON Schema subset, checking it, the reference validator;
- :mod:`.realistic`: realistic values from word lists, and what property names hint at;
- :mod:`.compiler`: a strategy per schema, compiled once;
- :mod:`.registry`: looking connectors and actions up, with errors that list the known ones;
- :mod:`.lazy`: argument errors deferred to draw time, with a call-like repr;
- :mod:`.core`: the public strategies of valid values;
- :mod:`.invalid`: invalid inputs with one named fault each.
"""
