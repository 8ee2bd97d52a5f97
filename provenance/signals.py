"""Signals other apps listen to, so that provenance never imports them.

``batch_confirmed(sender=Batch, batch=...)`` is sent when a batch reaches
``ANCHOR_CONFIRMATIONS`` blocks deep; after a reorg re-anchors it, it is sent again for the
new inclusion.

``document_revoked(sender=Document, revocation=...)`` is sent inside the transaction that
registers a revocation notice (``documents.document_revoke``), once per revoked document;
``revocation`` is the notice, a ``Document`` whose ``revokes`` is the revoked root.
"""

from django.dispatch import Signal

batch_confirmed = Signal()
document_revoked = Signal()
