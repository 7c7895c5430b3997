-- wrk script: POST one typical set of triage answers.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"age": 54, "side": "left", "locations": ["outer_hip", "outer_thigh"], ' ..
  '"pain_now": 4, "worst_pain_week": 7, "duration_weeks": 10, ' ..
  '"aggravators": ["lying_on_side", "stairs"], "red_flags": [], "cautions": ["osteoporosis"]}'
