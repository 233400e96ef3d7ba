"""Refusals with a stable code: the adapter turns each into an OpResult rejection."""


class L3Error(Exception):
    def __init__(self, code, message, details=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


def forbidden(code, obj, ident, source, target, rule):
    return L3Error(code, f'{obj} {ident}: {source} -> {target} rejected: {rule}', {'object': obj, 'id': ident, 'from': source, 'to': target})
