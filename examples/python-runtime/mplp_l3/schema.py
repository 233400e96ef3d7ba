"""MPLP JSON Schema validation with the standard library only.

Reads the conformance kit's schemas/ folder (or MPLP_SCHEMA_DIR) and implements the part of
JSON Schema draft-07 those files use: type, enum, const, pattern, format (date-time, uuid),
properties, required, additionalProperties, items, minItems, minLength, minimum,
uniqueItems, allOf and $ref. Errors name the offending value by JSON pointer.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import urldefrag, urljoin

SCHEMA_DIR = Path(os.environ.get('MPLP_SCHEMA_DIR', Path(__file__).resolve().parents[3] / 'schemas'))

KIND_FILES = {
    'context': 'context.schema.json',
    'plan': 'plan.schema.json',
    'trace': 'trace.schema.json',
    'confirm': 'confirm.schema.json',
    'role': 'role.schema.json',
    'collab': 'collab.schema.json',
}

DATE_TIME = re.compile(r'^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$')
UUID = re.compile(r'^(urn:uuid:)?[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')
FORMATS = {'date-time': DATE_TIME.match, 'uuid': UUID.match}

_schemas = {}


def _load_all():
    if not _schemas:
        if not SCHEMA_DIR.is_dir():
            raise RuntimeError(f'MPLP schemas not found at {SCHEMA_DIR}; set MPLP_SCHEMA_DIR to the kit\'s schemas/ folder')
        for file in SCHEMA_DIR.glob('*.schema.json'):
            schema = json.loads(file.read_text(encoding='utf-8'))
            _schemas[schema.get('$id', file.name)] = schema
    return _schemas


def _resolve(ref, base):
    url, fragment = urldefrag(urljoin(base, ref))
    schema = _load_all()[url]
    for token in [t for t in fragment.split('/') if t]:
        schema = schema[token.replace('~1', '/').replace('~0', '~')]
    return schema, url


def _is_type(value, name):
    if name == 'object':
        return isinstance(value, dict)
    if name == 'array':
        return isinstance(value, list)
    if name == 'string':
        return isinstance(value, str)
    if name == 'boolean':
        return isinstance(value, bool)
    if name == 'null':
        return value is None
    if isinstance(value, bool):
        return False
    if name == 'integer':
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == 'number':
        return isinstance(value, (int, float))
    return False


def _check(value, schema, base, pointer, errors):
    if schema is True or schema is False:
        if schema is False:
            errors.append(f'{pointer or "/"}: is not allowed here')
        return
    base = schema.get('$id', base)
    if '$ref' in schema:
        target, url = _resolve(schema['$ref'], base)
        _check(value, target, url, pointer, errors)
    for sub in schema.get('allOf', []):
        _check(value, sub, base, pointer, errors)
    where = pointer or '/'
    types = schema.get('type')
    if types is not None:
        names = types if isinstance(types, list) else [types]
        if not any(_is_type(value, t) for t in names):
            errors.append(f'{where}: must be {"/".join(names)}, got {json.dumps(value)[:60]}')
            return
    if 'enum' in schema and value not in schema['enum']:
        errors.append(f'{where}: must be one of {schema["enum"]}, got {json.dumps(value)[:60]}')
    if 'const' in schema and value != schema['const']:
        errors.append(f'{where}: must be {json.dumps(schema["const"])}, got {json.dumps(value)[:60]}')
    if isinstance(value, str):
        if 'minLength' in schema and len(value) < schema['minLength']:
            errors.append(f'{where}: must have at least {schema["minLength"]} character(s)')
        if 'pattern' in schema and not re.search(schema['pattern'], value):
            errors.append(f'{where}: must match {schema["pattern"]}, got {json.dumps(value)[:60]}')
        fmt = FORMATS.get(schema.get('format'))
        if fmt is not None and not fmt(value):
            errors.append(f'{where}: must be a valid {schema["format"]}, got {json.dumps(value)[:60]}')
    if _is_type(value, 'number') and 'minimum' in schema and value < schema['minimum']:
        errors.append(f'{where}: must be >= {schema["minimum"]}')
    if isinstance(value, list):
        if 'minItems' in schema and len(value) < schema['minItems']:
            errors.append(f'{where}: must have at least {schema["minItems"]} item(s)')
        if schema.get('uniqueItems') and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            errors.append(f'{where}: items must be unique')
        if 'items' in schema:
            for i, item in enumerate(value):
                _check(item, schema['items'], base, f'{pointer}/{i}', errors)
    if isinstance(value, dict):
        props = schema.get('properties', {})
        for name in schema.get('required', []):
            if name not in value:
                errors.append(f'{pointer}/{name}: required property is missing')
        for name, item in value.items():
            if name in props:
                _check(item, props[name], base, f'{pointer}/{name}', errors)
            elif schema.get('additionalProperties') is False:
                errors.append(f'{pointer}/{name}: property is not allowed here (allowed: {", ".join(props)})')
            elif isinstance(schema.get('additionalProperties'), dict):
                _check(item, schema['additionalProperties'], base, f'{pointer}/{name}', errors)


def problems(kind, value):
    """Every way `value` is not a valid MPLP `kind`, as 'pointer: message' lines (empty when valid)."""
    schema, url = _resolve(KIND_FILES[kind], 'https://mplp-conformance.dev/schemas/')
    errors = []
    _check(value, schema, url, '', errors)
    return errors
