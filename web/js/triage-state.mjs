// The triage answers while the questions are being answered: checking one answer, keeping
// them across a reload (sessionStorage, so they go when the tab is closed) and turning them
// into the body of POST /api/v1/triage.
//
// An answer, as kept here:
//   integer       the text as typed ("54"), checked only when the person moves on
//   choice        the chosen value ("left")
//   multi_choice  {values: [...], none: bool}: the values in the order they were ticked (for
//                 locations the first is the main place); `none` is true only when the person
//                 ticked the question's none_label answer (a question without a none_label has
//                 no such answer). An untouched question is undefined, never "none".

const kStorageKey = 'hipcoach.triage.v1';

// The answer field whose first value is the main place (docs/triage-data.md).
export const kOrderedQuestion = 'locations';

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function option_values(question) {
  return (question.options ?? []).map((option) => option.value);
}

// Returns `answer` when it has the shape `question` expects and only known values, else
// undefined; the stored state may come from an older version of the questions.
function well_formed(question, answer) {
  if (answer === undefined || answer === null) return undefined;
  switch (question.type) {
    case 'integer':
      return typeof answer === 'string' ? answer : undefined;
    case 'choice':
      return option_values(question).includes(answer) ? answer : undefined;
    case 'multi_choice': {
      if (typeof answer !== 'object' || !Array.isArray(answer.values)) return undefined;
      const known = option_values(question);
      const values = [...new Set(answer.values)].filter((value) => known.includes(value));
      const none = answer.none === true && values.length === 0 && Boolean(question.none_label);
      return values.length || none ? {values, none} : undefined;
    }
    default:
      return undefined;
  }
}

// Checks the answer to one question. Returns {ok: true, value} with the value to send, or
// {ok: false, message} with what to do, in plain words.
export function check_answer(question, answer) {
  switch (question.type) {
    case 'integer': {
      const text = typeof answer === 'string' ? answer.trim() : '';
      const range = `a whole number from ${question.min} to ${question.max}`;
      if (text === '') return {ok: false, message: `Enter ${range}.`};
      if (!/^[0-9]+$/.test(text)) {
        return {ok: false, message: `Enter ${range}, using only the digits 0 to 9.`};
      }
      const value = Number(text);
      if (value < question.min || value > question.max) {
        const unit = question.unit ? ` ${question.unit}` : '';
        return {ok: false, message: `Enter ${range}. ${text}${unit} is outside that range.`};
      }
      return {ok: true, value};
    }
    case 'choice':
      if (option_values(question).includes(answer)) return {ok: true, value: answer};
      return {ok: false, message: 'Choose one answer.'};
    case 'multi_choice': {
      const values = answer?.values ?? [];
      if (values.length > 0) return {ok: true, value: [...values]};
      // Without a none_label (where it hurts), picking nothing is no answer.
      if (!question.none_label) return {ok: false, message: 'Tick at least one answer.'};
      if (answer?.none) return {ok: true, value: []};
      return {ok: false, message: `Tick every answer that applies. If none of them applies, tick “${
        question.none_label}”.`};
    }
    default:
      return {ok: false, message: 'This question cannot be answered on this page.'};
  }
}

// Returns the index of the first question without a valid answer, or questions.length.
export function first_unanswered(questions, answers) {
  const index = questions.findIndex((question) => !check_answer(question, answers[question.id]).ok);
  return index < 0 ? questions.length : index;
}

// Returns the body for POST /api/v1/triage.
// REQUIRES: first_unanswered(questions, answers) === questions.length.
export function answers_body(questions, answers) {
  return Object.fromEntries(questions.map((question) => [question.id,
                                                         check_answer(question, answers[question.id]).value]));
}

// Returns the saved {step, answers} for `questions`: unknown answers are dropped, and the
// step is never past the first question still to answer (step === questions.length means
// the result was being shown).
export function load_state(questions) {
  let saved = null;
  try {
    saved = JSON.parse(storage()?.getItem(kStorageKey) ?? 'null');
  } catch {
    saved = null;
  }
  const answers = {};
  for (const question of questions) {
    const answer = well_formed(question, saved?.answers?.[question.id]);
    if (answer !== undefined) answers[question.id] = answer;
  }
  const step = Number.isInteger(saved?.step) ? saved.step : 0;
  return {step: Math.max(0, Math.min(step, first_unanswered(questions, answers))), answers};
}

export function save_state(state) {
  try {
    storage()?.setItem(kStorageKey, JSON.stringify({step: state.step, answers: state.answers}));
  } catch {
    // Storage full or turned off: the answers then last only as long as the page.
  }
}

export function clear_state() {
  try {
    storage()?.removeItem(kStorageKey);
  } catch {
    // Nothing was saved.
  }
}
