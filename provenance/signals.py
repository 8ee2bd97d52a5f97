"""Signals other apps listen to, so that provenance never imports them.

``batch_confirmed(sender=Batch, batch=...)`` is sent when a batch reaches
``ANCHOR_CONFIRMATIONS`` blocks deep; after a reorg re-anchors it, it is sent again for the
new inclusion.
"""

from django.dispatch import Signal

batch_confirmed = Signal()
