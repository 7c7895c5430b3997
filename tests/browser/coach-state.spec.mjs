// Tests of the page's session state machine (web/js/coach-state.mjs) in Node, without a browser:
// it is pure, so time is just the number passed in. The rules are the core's (session.h).
//
// Run from the repository root: node --test tests/browser/coach-state.spec.mjs

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';

import * as coach from '../../web/js/coach-state.mjs';

const cue = (id, at_seconds) => ({id, at_seconds, text: `cue ${id}`, cite: []});
const kPlan = {
  sides: ['left'],
  groups: ['g'],
  pain_limit: 5,
  steps: [
    {kind: 'position', side: 'left', group: 'g', area: '', min_hold_seconds: 0, max_hold_seconds: 0, cues: []},
    {kind: 'treat', side: 'left', group: 'g', area: 'a1', min_hold_seconds: 90, max_hold_seconds: 180,
     cues: [cue('start', 0), cue('deeper', 30), cue('may-stop', 90), cue('stop', 180)]},
    {kind: 'treat', side: 'left', group: 'g', area: 'a2', min_hold_seconds: 90, max_hold_seconds: 180,
     cues: [cue('start', 0), cue('stop', 180)]},
    {kind: 'aftercare', side: '', group: '', area: '', min_hold_seconds: 0, max_hold_seconds: 0, cues: []},
  ],
  stop_rules: [
    {id: 'tingling', label: 'Tingling', ends: 'session', trigger: 'reported', text: 'Stop.', cite: []},
    {id: 'over-limit', label: 'Over my limit', ends: 'hold', trigger: 'pain_above_limit', text: 'Lift off.', cite: []},
  ],
  recheck: {intro: null, questions: [{red_flag: 'fall', question: 'A fall?', advice: {disposition: 'urgent', reasons: []}}]},
};
const T = 1_000_000;
const s = (seconds) => T + seconds * 1000;

// Runs `events` ([name, seconds, ...arguments]) from a fresh state; returns the last result and
// every event fired on the way.
function run(...steps) {
  let state = coach.new_state();
  const fired = [];
  let result;
  for (const [name, seconds, ...rest] of steps) {
    result = coach[name](kPlan, state, s(seconds), ...rest);
    assert.ok(result.ok, `${name} at ${seconds} s: ${JSON.stringify(result.error)}`);
    state = result.state;
    fired.push(...result.events);
  }
  return {state, fired, cues: fired.filter((e) => e.kind === 'cue').map((e) => e.cue.id)};
}

describe('coach state machine', () => {
  it('starts at the first step when no warning sign is answered yes', () => {
    const {state, fired} = run(['begin', 0, []]);
    assert.equal(state.phase, 'running');
    assert.equal(state.step, 0);
    assert.deepEqual(fired.map((e) => e.kind), ['step_changed']);
  });

  it('stops before the first step at a warning sign, and refuses one it did not ask', () => {
    assert.equal(run(['begin', 0, ['fall']]).state.phase, 'stopped');
    const result = coach.begin(kPlan, coach.new_state(), T, ['fever']);
    assert.deepEqual(result.error, {code: 'invalid_input', where: '/red_flags/0',
                                    message: '"fever" is not asked before a session'});
  });

  it('fires each cue once, at its time into the hold', () => {
    const {cues} = run(['begin', 0, []], ['next', 1], ['tick', 30], ['tick', 31], ['tick', 100]);
    assert.deepEqual(cues, ['start', 'deeper', 'may-stop']);
  });

  it('fires nothing while paused and does not count the pause', () => {
    const {state, cues} = run(['begin', 0, []], ['next', 0], ['pause', 20], ['tick', 200], ['resume', 200],
                              ['tick', 209]);
    assert.deepEqual(cues, ['start']);
    assert.equal(coach.held_ms(kPlan, state, s(209)), 29_000);
    assert.deepEqual(run(['begin', 0, []], ['next', 0], ['pause', 20], ['resume', 200], ['tick', 210]).cues,
                     ['start', 'deeper']);
  });

  it('caps the hold at its maximum', () => {
    const {state} = run(['begin', 0, []], ['next', 0], ['tick', 500]);
    const view = coach.view(kPlan, state, s(500));
    assert.deepEqual([view.held_ms, view.remaining_ms, view.min_reached, view.cue.id], [180_000, 0, true, 'stop']);
  });

  it('restarts the previous step\'s hold on back, and keeps one record per step', () => {
    const {state, cues} = run(['begin', 0, []], ['next', 0], ['tick', 40], ['next', 40], ['back', 50], ['tick', 55]);
    assert.equal(state.step, 1);
    assert.equal(coach.held_ms(kPlan, state, s(55)), 5_000);
    assert.deepEqual(cues, ['start', 'deeper', 'start', 'start']);
    const done = run(['begin', 0, []], ['next', 0], ['next', 40], ['back', 50], ['next', 60]).state;
    assert.deepEqual(done.holds.map((h) => [h.step, h.held_ms]), [[1, 10_000], [2, 10_000]]);
    // Only passing through a step on the way back keeps its hold.
    const kept = run(['begin', 0, []], ['next', 0], ['next', 40], ['next', 50], ['back', 50], ['back', 50]).state;
    assert.deepEqual(kept.holds.map((h) => [h.step, h.held_ms]), [[1, 40_000], [2, 10_000]]);
  });

  it('refuses back on the first step and pause while paused', () => {
    const started = run(['begin', 0, []]).state;
    assert.equal(coach.back(kPlan, started, s(1)).error.code, 'conflict');
    const paused = run(['begin', 0, []], ['next', 0], ['pause', 1]).state;
    assert.deepEqual(coach.pause(kPlan, paused, s(2)).error,
                     {code: 'conflict', where: 'event', message: 'cannot pause: the session is paused'});
  });

  it('ends the hold at a hold rule and goes on; ends the session at a session rule', () => {
    const hold = run(['begin', 0, []], ['next', 0], ['stop_rule', 12, 'over-limit']).state;
    assert.deepEqual([hold.phase, hold.step, hold.holds[0].stop_rule, hold.holds[0].held_ms], ['running', 2, 'over-limit', 12_000]);
    const session = run(['begin', 0, []], ['next', 0], ['stop_rule', 12, 'tingling']).state;
    assert.deepEqual([session.phase, session.stop_rule, session.ended_at_ms], ['stopped', 'tingling', s(12)]);
  });

  it('fires the limit rule only for pain above the person\'s limit', () => {
    assert.equal(run(['begin', 0, []], ['next', 0], ['report_pain', 5, 5]).state.step, 1);
    assert.equal(run(['begin', 0, []], ['next', 0], ['report_pain', 5, 6]).state.step, 2);
  });

  it('finishes after the last step and records each hold in whole seconds', () => {
    const {state} = run(['begin', 0, []], ['next', 0], ['next', 95.7], ['next', 100], ['next', 101]);
    assert.equal(state.phase, 'finished');
    assert.deepEqual(coach.session_record(kPlan, state), {
      outcome: 'finished', sides: ['left'], groups: ['g'], stop_rule: '', red_flags: [],
      points: [{side: 'left', group: 'g', area: 'a1', held_seconds: 95, stop_rule: ''},
               {side: 'left', group: 'g', area: 'a2', held_seconds: 4, stop_rule: ''}]});
  });

  it('restores a saved state exactly: the hold goes on by the clock', () => {
    const {state} = run(['begin', 0, []], ['next', 0], ['tick', 45]);
    const restored = JSON.parse(JSON.stringify(state));
    assert.equal(coach.check_state(kPlan, restored), null);
    assert.equal(coach.held_ms(kPlan, restored, s(70)), 70_000);
    assert.deepEqual(coach.tick(kPlan, restored, s(95)).events.map((e) => e.cue.id), ['may-stop']);
    assert.match(coach.check_state(kPlan, {...restored, step: 9}), /^\/step/);
    assert.match(coach.check_state(kPlan, {...restored, holds: [{step: 1, held_ms: 999_999, stop_rule: ''}]}),
                 /^\/holds\/0\/held_ms/);
  });
});
