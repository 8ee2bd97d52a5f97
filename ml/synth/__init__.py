"""Synthetic close-up photos of authentication slots, for training and testing the pre-screen.

Each brand has a reference specification (``brands``). An item is drawn to its brand's
specification, or, for a counterfeit, to one that departs from it in one to three features of
the slot (``render``), by the slot renderers (``leather`` for the handbag slots, ``watch`` for
the watch slots, ``tags`` for date codes) out of shared lettering (``lettering``). Surface
texture and camera nuisance (``nuisance``) are laid over authentic and counterfeit items
alike. ``ml.dataset`` turns this into an image dataset.
"""
