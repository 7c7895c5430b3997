// The guided session's state machine, as the core's Coach (core/include/hipcoach/core/session.h)
// has it: events go in with `now` (milliseconds since the Unix epoch, from the caller), the next
// state and what to announce come out. No DOM, no clock, no storage: the page drives it and
// saves the state, so a reload restores it exactly.
//
// The state is plain data in the shape of the core's CoachState JSON:
//   {phase: 'recheck|running|paused|stopped|finished', step, started_at_ms, ended_at_ms,
//    step_held_ms, running_since_ms, next_cue, holds: [{step, held_ms, stop_rule}],
//    stop_rule, red_flags}
// The rules: a hold is capped at its step's maximum; each cue of a step fires once; nothing fires
// while paused; back restarts the previous step's hold; a stop rule ends the hold (and moves on)
// or the whole session.
//
// Each event function returns {ok: true, state, events} with a new state (the old one is never
// changed), or {ok: false, error: {code: 'conflict' | 'invalid_input', where, message}}.
// An event: {kind: 'cue' | 'step_changed' | 'stop_rule' | 'finished' | 'stopped', step, cue?, stop_rule?}.

export const kPhases = ['recheck', 'running', 'paused', 'stopped', 'finished'];

// The state before the re-check.
export function new_state() {
  return {phase: 'recheck', step: 0, started_at_ms: 0, ended_at_ms: 0, step_held_ms: 0, running_since_ms: 0,
          next_cue: 0, holds: [], stop_rule: '', red_flags: []};
}

function copy(state) {
  return {...state, holds: state.holds.map((hold) => ({...hold})), red_flags: [...state.red_flags]};
}

function ok(state, events = []) {
  return {ok: true, state, events};
}

function fail(code, where, message) {
  return {ok: false, error: {code, where, message}};
}

function conflict(state, action) {
  return fail('conflict', 'event', `cannot ${action}: the session is ${state.phase}`);
}

function is_treat(plan, step) {
  return plan.steps[step]?.kind === 'treat';
}

function max_hold_ms(plan, step) {
  return (plan.steps[step]?.max_hold_seconds ?? 0) * 1000;
}

// The time held on the current step at `now`, pauses excluded, capped at its maximum; 0 on a
// step that is not a treat step.
export function held_ms(plan, state, now) {
  if (!is_treat(plan, state.step)) return 0;
  const running = state.phase === 'running' && now > state.running_since_ms ? now - state.running_since_ms : 0;
  return Math.min(state.step_held_ms + running, max_hold_ms(plan, state.step));
}

// What to display at `now`: {phase, step, held_ms, remaining_ms, min_reached, cue} where cue is
// the latest cue fired on this step, or null.
export function view(plan, state, now) {
  const step = plan.steps[state.step];
  const on_hold = is_treat(plan, state.step) && (state.phase === 'running' || state.phase === 'paused');
  const held = on_hold ? held_ms(plan, state, now) : 0;
  return {
    phase: state.phase,
    step: state.step,
    held_ms: held,
    remaining_ms: on_hold ? max_hold_ms(plan, state.step) - held : 0,
    min_reached: on_hold && held >= step.min_hold_seconds * 1000,
    cue: state.next_cue > 0 ? step.cues[state.next_cue - 1] ?? null : null,
  };
}

// Fires, into `events`, the cues the hold has reached; changes `state` (a copy).
function fire_cues(plan, state, now, events) {
  if (state.phase !== 'running' || !is_treat(plan, state.step)) return;
  const cues = plan.steps[state.step].cues ?? [];
  const held = held_ms(plan, state, now);
  while (state.next_cue < cues.length && cues[state.next_cue].at_seconds * 1000 <= held) {
    events.push({kind: 'cue', step: state.step, cue: cues[state.next_cue]});
    state.next_cue += 1;
  }
}

// Records the hold of the current treat step: one record per step, in the order first visited;
// back on a step and held again (or stopped by a rule), the latest hold replaces it in its place.
function close_hold(plan, state, now, stop_rule) {
  if (!is_treat(plan, state.step)) return;
  const held = held_ms(plan, state, now);
  const index = state.holds.findIndex((hold) => hold.step === state.step);
  if (index < 0) state.holds.push({step: state.step, held_ms: held, stop_rule});
  else if (held > 0 || stop_rule !== '') state.holds[index] = {step: state.step, held_ms: held, stop_rule};
  state.step_held_ms = held;
  state.running_since_ms = now;
}

function enter_step(plan, state, step, now, events) {
  state.phase = 'running';
  state.step = step;
  state.step_held_ms = 0;
  state.running_since_ms = now;
  state.next_cue = 0;
  events.push({kind: 'step_changed', step});
  fire_cues(plan, state, now, events);
}

function end(state, phase, now) {
  state.phase = phase;
  state.ended_at_ms = now;
}

function on_step(state) {
  return state.phase === 'running' || state.phase === 'paused';
}

// Answers the re-check: starts at the first step, or stops when any red flag was answered yes.
// invalid_input for a red flag the plan does not ask about.
export function begin(plan, state, now, red_flags) {
  if (state.phase !== 'recheck') return conflict(state, 'begin');
  const asked = new Set((plan.recheck?.questions ?? []).map((q) => q.red_flag));
  const unknown = red_flags.findIndex((flag) => !asked.has(flag));
  if (unknown >= 0) {
    return fail('invalid_input', `/red_flags/${unknown}`, `"${red_flags[unknown]}" is not asked before a session`);
  }
  const next = copy(state);
  next.started_at_ms = now;
  const events = [];
  if (red_flags.length > 0) {
    next.red_flags = [...red_flags];
    end(next, 'stopped', now);
    events.push({kind: 'stopped', step: 0});
    return ok(next, events);
  }
  enter_step(plan, next, 0, now, events);
  return ok(next, events);
}

// Advances time: the cues reached since the last call. Never fails; nothing while paused.
export function tick(plan, state, now) {
  if (state.phase !== 'running') return ok(state);
  const next = copy(state);
  const events = [];
  fire_cues(plan, next, now, events);
  return events.length ? ok(next, events) : ok(state);
}

export function pause(plan, state, now) {
  if (state.phase !== 'running') return conflict(state, 'pause');
  const next = copy(state);
  const events = [];
  // Cues due before the pause still fire, so none is lost at the pause.
  fire_cues(plan, next, now, events);
  next.step_held_ms = held_ms(plan, next, now);
  next.phase = 'paused';
  return ok(next, events);
}

export function resume(plan, state, now) {
  if (state.phase !== 'paused') return conflict(state, 'resume');
  const next = copy(state);
  next.phase = 'running';
  next.running_since_ms = now;
  return ok(next);
}

// To the next step; on the last step, finishes.
export function next(plan, state, now) {
  if (!on_step(state)) return conflict(state, 'go to the next step');
  const moved = copy(state);
  const events = [];
  fire_cues(plan, moved, now, events);
  close_hold(plan, moved, now, '');
  if (moved.step + 1 >= plan.steps.length) {
    end(moved, 'finished', now);
    events.push({kind: 'finished', step: moved.step});
  } else {
    enter_step(plan, moved, moved.step + 1, now, events);
  }
  return ok(moved, events);
}

// To the previous step, whose hold starts again. conflict on the first step.
export function back(plan, state, now) {
  if (!on_step(state)) return conflict(state, 'go back');
  if (state.step === 0) return fail('conflict', 'event', 'cannot go back: this is the first step');
  const moved = copy(state);
  const events = [];
  close_hold(plan, moved, now, '');
  enter_step(plan, moved, moved.step - 1, now, events);
  return ok(moved, events);
}

// A stop rule fired (by id): one that ends the hold records it and moves on (finishing on the
// last step); one that ends the session stops it. invalid_input for an unknown rule.
export function stop_rule(plan, state, now, rule_id) {
  if (!on_step(state)) return conflict(state, 'apply a stop rule');
  const rule = (plan.stop_rules ?? []).find((r) => r.id === rule_id);
  if (!rule) return fail('invalid_input', 'stop_rule', `unknown stop rule "${rule_id}"`);
  const moved = copy(state);
  const events = [];
  fire_cues(plan, moved, now, events);
  events.push({kind: 'stop_rule', step: moved.step, stop_rule: rule});
  close_hold(plan, moved, now, rule.id);
  if (rule.ends === 'session') {
    moved.stop_rule = rule.id;
    end(moved, 'stopped', now);
    events.push({kind: 'stopped', step: moved.step, stop_rule: rule});
  } else if (!is_treat(plan, moved.step)) {
    // A hold rule outside a hold only tells.
  } else if (moved.step + 1 >= plan.steps.length) {
    end(moved, 'finished', now);
    events.push({kind: 'finished', step: moved.step});
  } else {
    enter_step(plan, moved, moved.step + 1, now, events);
  }
  return ok(moved, events);
}

// The person rated their pain during a hold: above their limit fires the pain-above-limit rule,
// else nothing happens. invalid_input outside 0..10.
export function report_pain(plan, state, now, pain) {
  if (!Number.isInteger(pain) || pain < 0 || pain > 10) {
    return fail('invalid_input', 'pain', `must be an integer 0..10, got ${pain}`);
  }
  if (!on_step(state)) return conflict(state, 'rate pain during a hold');
  const rule = (plan.stop_rules ?? []).find((r) => r.trigger === 'pain_above_limit');
  if (!rule || plan.pain_limit === null || plan.pain_limit === undefined || pain <= plan.pain_limit) {
    return tick(plan, state, now);
  }
  return stop_rule(plan, state, now, rule.id);
}

// The person ends the session early.
export function stop(plan, state, now) {
  if (!on_step(state)) return conflict(state, 'stop');
  const stopped = copy(state);
  const events = [];
  fire_cues(plan, stopped, now, events);
  close_hold(plan, stopped, now, '');
  end(stopped, 'stopped', now);
  events.push({kind: 'stopped', step: stopped.step});
  return ok(stopped, events);
}

// Returns null when `state` is a state of `plan` (e.g. one read back from storage), else a
// message naming the field that does not fit.
export function check_state(plan, state) {
  if (typeof state !== 'object' || state === null) return '/: must be an object';
  if (!kPhases.includes(state.phase)) return '/phase: must be one of ' + kPhases.join(', ');
  for (const field of ['step', 'started_at_ms', 'ended_at_ms', 'step_held_ms', 'running_since_ms', 'next_cue']) {
    if (!Number.isSafeInteger(state[field]) || state[field] < 0) return `/${field}: must be a whole number >= 0`;
  }
  if (state.step >= plan.steps.length) return '/step: past the last step';
  if (state.next_cue > (plan.steps[state.step].cues ?? []).length) return '/next_cue: past the last cue';
  if (!Array.isArray(state.holds)) return '/holds: must be an array';
  for (const [index, hold] of state.holds.entries()) {
    if (!is_treat(plan, hold?.step)) return `/holds/${index}/step: must be a treat step`;
    if (!Number.isSafeInteger(hold.held_ms) || hold.held_ms < 0 || hold.held_ms > max_hold_ms(plan, hold.step)) {
      return `/holds/${index}/held_ms: must be 0..the step's maximum hold`;
    }
    if (typeof hold.stop_rule !== 'string') return `/holds/${index}/stop_rule: must be a string`;
  }
  if (typeof state.stop_rule !== 'string') return '/stop_rule: must be a string';
  if (!Array.isArray(state.red_flags) || !state.red_flags.every((f) => typeof f === 'string')) {
    return '/red_flags: must be an array of strings';
  }
  return null;
}

// The record of a stopped or finished session, as POST /api/v1/sessions-log takes it:
// {outcome, sides, groups, points: [{side, group, area, held_seconds, stop_rule}], stop_rule, red_flags}.
export function session_record(plan, state) {
  return {
    outcome: state.phase === 'finished' ? 'finished' : 'stopped',
    sides: [...plan.sides],
    groups: [...plan.groups],
    points: state.holds.map((hold) => {
      const step = plan.steps[hold.step];
      return {side: step.side, group: step.group, area: step.area, held_seconds: Math.floor(hold.held_ms / 1000),
              stop_rule: hold.stop_rule};
    }),
    stop_rule: state.stop_rule,
    red_flags: [...state.red_flags],
  };
}
