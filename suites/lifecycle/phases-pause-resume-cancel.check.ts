// Issue 16 (phase): one run taken through every phase a running plan has. `done` completes and
// `one` runs held at a barrier (running); the plan is paused and `one` released (paused: it
// finishes, nothing else starts); the plan is resumed and its twelve ready steps start, held at
// another barrier (resumed); then it is cancelled (cancelled). In each phase every plan and step
// change the L2 tables class R — of the running, the completed and the pending steps — is refused
// and changes nothing (LIFE-001/002/004/005), the statuses read back are the ones the events
// announced and the objects read back are valid (PSG-004/006), each resource's pipeline_stage
// events chain and count one per change (EVT-002/009, ORCH-006), every event is valid
// (EVT-006/007/008), the trace follows the plan and its history only grows
// (TRACE-001/002/003/004), and actions run once each, within the limit (ORCH-002/007).
// Built in code so each profile waits for what it can hold at once: one fan-out step under SA,
// the limit of them under MAP (then nothing more can start while the phase is read).

import type { FlowSpec } from '../../src/kit/flows/spec.js';
import { generatedFlowCheck } from '../lib/generated-flow.js';

const FLOW = {
  "plan": {
    "steps": {
      "done": {},
      "one": {
        "after": [
          "done"
        ]
      },
      "f1": {
        "after": [
          "one"
        ]
      },
      "f2": {
        "after": [
          "one"
        ]
      },
      "f3": {
        "after": [
          "one"
        ]
      },
      "f4": {
        "after": [
          "one"
        ]
      },
      "f5": {
        "after": [
          "one"
        ]
      },
      "f6": {
        "after": [
          "one"
        ]
      },
      "f7": {
        "after": [
          "one"
        ]
      },
      "f8": {
        "after": [
          "one"
        ]
      },
      "f9": {
        "after": [
          "one"
        ]
      },
      "f10": {
        "after": [
          "one"
        ]
      },
      "f11": {
        "after": [
          "one"
        ]
      },
      "f12": {
        "after": [
          "one"
        ]
      }
    }
  },
  "actions": {
    "one": {
      "barrier": "hold"
    },
    "f1": {
      "barrier": "fan"
    },
    "f2": {
      "barrier": "fan"
    },
    "f3": {
      "barrier": "fan"
    },
    "f4": {
      "barrier": "fan"
    },
    "f5": {
      "barrier": "fan"
    },
    "f6": {
      "barrier": "fan"
    },
    "f7": {
      "barrier": "fan"
    },
    "f8": {
      "barrier": "fan"
    },
    "f9": {
      "barrier": "fan"
    },
    "f10": {
      "barrier": "fan"
    },
    "f11": {
      "barrier": "fan"
    },
    "f12": {
      "barrier": "fan"
    }
  },
  "operations": [
    {
      "load": {}
    },
    {
      "transition": {
        "target": "plan",
        "to": "proposed"
      }
    },
    {
      "confirm": {
        "status": "approved"
      }
    },
    {
      "run": {
        "background": true
      }
    },
    {
      "await_barrier": {
        "name": "hold",
        "arrivals": 1
      }
    },
    {
      "check": {
        "final": {
          "plan": "in_progress",
          "steps": {
            "done": "completed",
            "one": "in_progress",
            "f1": "pending"
          }
        },
        "objects_valid": true,
        "chains": true,
        "events_valid": true
      }
    },
    {
      "reject_all": {
        "target": "plan"
      }
    },
    {
      "reject_all": {
        "target": "step:one"
      }
    },
    {
      "reject_all": {
        "target": "step:f1"
      }
    },
    {
      "reject_all": {
        "target": "step:done"
      }
    },
    {
      "pause": {}
    },
    {
      "release_barrier": "hold"
    },
    {
      "await_run": {
        "expect": {
          "paused": true,
          "plan": "in_progress",
          "about": [
            "L3-PAUSE-001"
          ]
        }
      }
    },
    {
      "snapshot": "paused"
    },
    {
      "check": {
        "final": {
          "plan": "in_progress",
          "trace": "running",
          "steps": {
            "one": "completed",
            "f1": "pending",
            "f12": "pending"
          }
        },
        "ael": {
          "calls": 2
        },
        "objects_valid": true,
        "chains": true,
        "events_valid": true
      }
    },
    {
      "reject_all": {
        "target": "plan"
      }
    },
    {
      "reject_all": {
        "target": "step:one"
      }
    },
    {
      "reject_all": {
        "target": "step:f1"
      }
    },
    {
      "resume": {}
    },
    {
      "run": {
        "background": true
      }
    },
    {
      "await_barrier": {
        "name": "fan",
        "arrivals": 1
      }
    },
    {
      "check": {
        "final": {
          "plan": "in_progress",
          "trace": "running",
          "steps": {
            "one": "completed"
          }
        },
        "objects_valid": true,
        "chains": true,
        "events_valid": true,
        "trace": {
          "append_only_since": "paused"
        }
      }
    },
    {
      "reject_all": {
        "target": "plan"
      }
    },
    {
      "reject_all": {
        "target": "step:one"
      }
    },
    {
      "cancel": {
        "background": true
      }
    },
    {
      "release_barrier": "fan"
    },
    {
      "await_cancel": {}
    },
    {
      "await_run": {
        "expect": {
          "plan": "cancelled"
        }
      }
    },
    {
      "reject_all": {
        "target": "plan"
      }
    },
    {
      "reject_all": {
        "target": "step:one"
      }
    },
    {
      "reject_all": {
        "target": "step:f1"
      }
    }
  ],
  "expect": {
    "final": {
      "plan": "cancelled",
      "trace": "cancelled",
      "steps": {
        "one": "completed"
      }
    },
    "transitions": {
      "plan": [
        "draft -> proposed",
        "proposed -> approved",
        "approved -> in_progress",
        "in_progress -> cancelled"
      ],
      "one": [
        "pending -> in_progress",
        "in_progress -> completed"
      ],
      "done": [
        "pending -> in_progress",
        "in_progress -> completed"
      ]
    },
    "events": {
      "paused": 1,
      "resumed": 1,
      "one.in_progress": 1,
      "one.completed": 1,
      "done.completed": 1
    },
    "ael": {
      "called": [
        "one"
      ]
    },
    "max_overlap": "<= limit",
    "objects_valid": true,
    "chains": true,
    "events_valid": true,
    "no_step_running_after_end": true,
    "trace": {
      "segments": ">= executed",
      "segments_terminal": true,
      "append_only_since": "paused"
    }
  }
} as unknown as Omit<FlowSpec, 'id' | 'title' | 'requirements' | 'profiles'>;

export default generatedFlowCheck({
  id: 'lifecycle.phases.pause-resume-cancel',
  title: "Forbidden changes are refused and reads agree with events while a plan runs, is paused, is resumed and is cancelled",
  requirements: ["L3-LIFE-001", "L3-LIFE-002", "L3-LIFE-004", "L3-LIFE-005", "L3-PSG-004", "L3-PSG-006", "L3-EVT-002", "L3-EVT-006", "L3-EVT-007", "L3-EVT-008", "L3-EVT-009", "L3-ORCH-002", "L3-ORCH-006", "L3-ORCH-007", "L3-TRACE-001", "L3-TRACE-002", "L3-TRACE-003", "L3-TRACE-004", "L3-PAUSE-001", "L3-PAUSE-004"],
  needs: ['pauseResume'],
  profiles: ['sa', 'map'],
  source: import.meta.url,
  flow(_ctx, profile) {
    const operations = FLOW.operations.map((op) => (op.await_barrier?.name === 'fan' ? { await_barrier: { name: 'fan', arrivals: profile === 'sa' ? 1 : ('limit' as const) } } : op));
    return { ...FLOW, operations };
  },
});
