"""The L2 state-transition tables as data, and the one function that reads them.

Classes: A = every source allows the change; R = forbidden; K = upstream is silent and this
runtime does what `allow` says. A pair a table does not list is R, except where the table says
unlisted pairs are K (and then rejected). Leaving a terminal status is always R.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    source: str
    target: str
    klass: str  # 'A', 'R' or 'K'
    rule: str
    guards: tuple = ()
    allow: bool = False  # for K rows


@dataclass(frozen=True)
class Table:
    statuses: tuple
    terminal: tuple
    unlisted: str  # 'R' or 'K'
    rows: tuple = field(default_factory=tuple)


def A(source, target, rule, *guards):
    return Row(source, target, 'A', rule, tuple(guards))


def K(source, target, rule, allow, *guards):
    return Row(source, target, 'K', rule, tuple(guards), allow)


def R(source, target, rule):
    return Row(source, target, 'R', rule)


L2 = 'L2 successor map'

TABLES = {
    'plan': Table(
        statuses=('draft', 'proposed', 'approved', 'in_progress', 'completed', 'cancelled', 'failed'),
        terminal=('completed', 'cancelled', 'failed'),
        unlisted='R',
        rows=(
            A('draft', 'proposed', f'{L2}: draft -> proposed'),
            A('proposed', 'approved', f'{L2}: proposed -> approved requires an approved Confirm', 'confirm_approved'),
            A('proposed', 'draft', f'{L2}: proposed -> draft on rejection'),
            A('approved', 'in_progress', f'{L2}: in_progress only from approved, with steps, in an active Context', 'plan_has_steps', 'context_active'),
            A('in_progress', 'completed', 'completed when all steps are completed or skipped', 'all_steps_done'),
            A('in_progress', 'failed', 'a step failed'),
            A('in_progress', 'cancelled', 'user cancels'),
            K('draft', 'cancelled', 'abandon before execution', True),
            K('proposed', 'cancelled', 'abandon before execution', True),
            K('approved', 'cancelled', 'abandon before execution', True),
            R('approved', 'draft', 'cannot revert after approval'),
            R('draft', 'in_progress', 'no execution without approval'),
        ),
    ),
    'step': Table(
        statuses=('pending', 'in_progress', 'completed', 'blocked', 'skipped', 'failed'),
        terminal=('completed', 'failed', 'skipped'),
        unlisted='R',
        rows=(
            A('pending', 'in_progress', 'a step starts when every dependency is completed and the plan is in_progress', 'plan_in_progress', 'dependencies_completed'),
            A('pending', 'blocked', 'blocked when a dependency failed', 'dependency_failed'),
            A('pending', 'skipped', 'conditional skip'),
            A('in_progress', 'completed', 'execution succeeded'),
            A('in_progress', 'failed', 'execution error'),
            K('blocked', 'pending', 'unreachable while failed is final', False),
        ),
    ),
    'context': Table(
        statuses=('draft', 'active', 'suspended', 'archived', 'closed'),
        terminal=('closed',),
        unlisted='K',
        rows=(
            A('draft', 'active', 'Activate'),
            A('active', 'suspended', 'Suspend'),
            A('suspended', 'active', 'Resume'),
            A('active', 'archived', 'Archive'),
            A('archived', 'closed', 'Close'),
            A('suspended', 'closed', 'Force Close'),
            A('draft', 'closed', 'Abandon'),
        ),
    ),
    'trace': Table(
        statuses=('pending', 'running', 'completed', 'failed', 'cancelled'),
        terminal=('completed', 'failed', 'cancelled'),
        unlisted='K',
        rows=(
            A('pending', 'running', 'Start Execution'),
            A('running', 'completed', 'All Segments Done'),
            A('running', 'failed', 'Critical Failure'),
            A('running', 'cancelled', 'User Cancels'),
            A('pending', 'cancelled', 'Abort Before Start'),
        ),
    ),
    'segment': Table(
        statuses=('pending', 'running', 'completed', 'failed', 'cancelled', 'skipped'),
        terminal=('completed', 'failed', 'cancelled', 'skipped'),
        unlisted='K',
        rows=(
            A('pending', 'running', 'Begin'),
            A('running', 'completed', 'Success'),
            A('running', 'failed', 'Error'),
            A('pending', 'skipped', 'Conditional Skip'),
            A('running', 'cancelled', 'Abort'),
            K('pending', 'cancelled', 'by analogy with the trace', True),
        ),
    ),
    'confirm': Table(
        statuses=('pending', 'approved', 'rejected', 'cancelled'),
        terminal=('approved', 'cancelled'),
        unlisted='R',
        rows=(
            A('pending', 'approved', 'User Approves'),
            A('pending', 'rejected', 'User Rejects'),
            A('pending', 'cancelled', 'User/System Cancels'),
            K('rejected', 'approved', 'a resubmitted target opens a new review round', True, 'new_review_round'),
            K('rejected', 'rejected', 'a resubmitted target opens a new review round', True, 'new_review_round'),
        ),
    ),
    'collab': Table(
        statuses=('draft', 'active', 'suspended', 'completed', 'cancelled'),
        terminal=('completed', 'cancelled'),
        unlisted='K',
        rows=(
            A('draft', 'active', 'Start'),
            A('active', 'suspended', 'Pause'),
            A('suspended', 'active', 'Resume'),
            A('active', 'completed', 'Finish'),
            A('active', 'cancelled', 'Abort'),
            A('draft', 'cancelled', 'Abandon'),
            K('suspended', 'cancelled', 'not in the diagrams', True),
        ),
    ),
}


def classify(obj, source, target):
    """('same', None) | ('unknown', None) | ('allowed', row) | ('forbidden', row) for one requested change."""
    table = TABLES[obj]
    if source not in table.statuses or target not in table.statuses:
        return 'unknown', None
    if source == target:
        return 'same', None
    if source in table.terminal:
        return 'forbidden', Row(source, target, 'R', f'{source} is terminal for {obj}')
    row = next((r for r in table.rows if r.source == source and r.target == target), None)
    if row is None:
        klass = table.unlisted
        row = Row(source, target, klass, f'{obj} {source} -> {target} is not in the L2 table')
    allowed = row.klass == 'A' or (row.klass == 'K' and row.allow)
    return ('allowed' if allowed else 'forbidden'), row
