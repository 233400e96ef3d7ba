"""The Project Semantic Graph: typed nodes and edges changed only in checked batches.

A batch is validated as a whole (unique ids, every edge endpoint present, dependencies inside
one plan and acyclic, segments append-only) before any of it is applied, so a rejected batch
changes nothing. Mutations: ('add_node', node), ('update_node', id, status, data),
('add_edge', edge). Nodes are dicts {type, id, status?, data}; edges {from, to, type}.
"""

from .errors import L3Error

APPEND_ONLY = {'segment'}


def edge_key(e):
    return (e['type'], e['from'], e['to'])


class Graph:
    def __init__(self):
        self.nodes = {}
        self.edges = {}
        self.plan_steps = {}  # plan id -> step ids in plan order
        self.step_deps = {}  # step id -> dependency step ids
        self.step_plan = {}  # step id -> plan id

    def node(self, ident):
        return self.nodes.get(ident)

    def steps_of(self, plan_id):
        return self.plan_steps.get(plan_id, [])

    def dependencies_of(self, step_id):
        return self.step_deps.get(step_id, [])

    def dependents_of(self, step_id):
        plan = self.step_plan.get(step_id)
        return [s for s in self.steps_of(plan) if step_id in self.dependencies_of(s)]

    def of_type(self, kind):
        return [n for n in self.nodes.values() if n['type'] == kind]

    def check(self, batch):
        """Raises L3Error if applying the batch would break the graph's integrity."""
        added = {}
        new_deps = {}
        new_steps = {}
        exists = lambda i: i in self.nodes or i in added  # noqa: E731
        kind_of = lambda i: (added.get(i) or self.nodes.get(i) or {}).get('type')  # noqa: E731
        for m in batch:
            op = m[0]
            if op == 'add_node':
                n = m[1]
                if exists(n['id']):
                    raise L3Error('DUPLICATE_ID', f"{n['type']} {n['id']} already exists in the PSG (as {kind_of(n['id'])})", {'id': n['id']})
                added[n['id']] = n
            elif op == 'update_node':
                if not exists(m[1]):
                    raise L3Error('NOT_FOUND', f'no PSG node {m[1]} to update', {'id': m[1]})
                if kind_of(m[1]) in APPEND_ONLY:
                    raise L3Error('APPEND_ONLY', f'{kind_of(m[1])} {m[1]} is append-only', {'id': m[1]})
            elif op == 'add_edge':
                e = m[1]
                if not exists(e['from']):
                    raise L3Error('REF_UNRESOLVED', f"{e['type']} edge from {e['from']}: no such node", dict(e))
                if not exists(e['to']):
                    raise L3Error('REF_UNRESOLVED', f"{kind_of(e['from'])} {e['from']} references {e['to']} ({e['type']}), which is not in the PSG", dict(e))
                if edge_key(e) in self.edges:
                    raise L3Error('DUPLICATE_ID', f"edge {e['type']} {e['from']} -> {e['to']} already exists", dict(e))
                if e['type'] == 'depends_on':
                    new_deps.setdefault(e['from'], []).append(e['to'])
                elif e['type'] == 'step_plan':
                    new_steps.setdefault(e['to'], []).append(e['from'])
        plan_of = {s: p for p, steps in new_steps.items() for s in steps}
        touched = set(new_steps)
        for step, deps in new_deps.items():
            plan = plan_of.get(step) or self.step_plan.get(step)
            for dep in deps:
                if (plan_of.get(dep) or self.step_plan.get(dep)) != plan:
                    raise L3Error('REF_UNRESOLVED', f'step {step} depends on {dep}, which is not a step of the same plan', {'step': step, 'dependency': dep})
            touched.add(plan)
        for plan in touched:
            steps = self.steps_of(plan) + new_steps.get(plan, [])
            cycle = find_cycle(steps, lambda s: self.dependencies_of(s) + new_deps.get(s, []))
            if cycle:
                raise L3Error('DAG_CYCLE', f"plan {plan} dependencies form a cycle: {' -> '.join(cycle)}", {'plan': plan, 'cycle': cycle})

    def apply(self, batch):
        """Applies a checked batch; returns the change (what graph_update events report)."""
        change = {'nodes': [], 'edges': [], 'node_delta': 0, 'edge_delta': 0}
        for m in batch:
            op = m[0]
            if op == 'add_node':
                n = m[1]
                self.nodes[n['id']] = n
                change['nodes'].append({'type': n['type'], 'id': n['id'], 'op': 'add'})
                change['node_delta'] += 1
            elif op == 'update_node':
                _, ident, status, data = m
                old = self.nodes[ident]
                self.nodes[ident] = {**old, **({'status': status} if status is not None else {}), 'data': {**old['data'], **(data or {})}}
                change['nodes'].append({'type': old['type'], 'id': ident, 'op': 'update'})
            elif op == 'add_edge':
                e = m[1]
                self.edges[edge_key(e)] = e
                if e['type'] == 'step_plan':
                    self.plan_steps.setdefault(e['to'], []).append(e['from'])
                    self.step_plan[e['from']] = e['to']
                elif e['type'] == 'depends_on':
                    self.step_deps.setdefault(e['from'], []).append(e['to'])
                change['edges'].append({**e, 'op': 'add'})
                change['edge_delta'] += 1
        return change

    def export(self):
        """Canonical export: nodes sorted by (type, id), edges by (type, from, to)."""
        nodes = [{'type': n['type'], 'id': n['id'], **({'status': n['status']} if n.get('status') is not None else {})} for n in self.nodes.values()]
        nodes.sort(key=lambda n: (n['type'], n['id']))
        edges = sorted(({'from': e['from'], 'to': e['to'], 'type': e['type']} for e in self.edges.values()), key=lambda e: (e['type'], e['from'], e['to']))
        return {'nodes': nodes, 'edges': edges}


def find_cycle(steps, deps_of):
    """One dependency cycle as a closed path ([a, b, a]), or None. Iterative, so deep chains are fine."""
    state = {}  # 1 = on the current path, 2 = done
    for root in steps:
        if root in state:
            continue
        path = [root]
        iters = [iter(deps_of(root))]
        state[root] = 1
        while path:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(deps_of(nxt)))
    return None
