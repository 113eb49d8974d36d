import { defineRule } from '../engine/rule';
import { endpointsOf, monitors, predictionIn, recordsThroughHelper } from '../engine/python/serving';

export default defineRule({
  code: 'MLH305',
  name: 'serving-without-monitoring',
  summary: 'A prediction endpoint logs nothing about inputs or predictions and exports no metrics',
  practices: ['P6'],
  references: [
    'Zinkevich, Rules of ML #8, #9, #10',
    'ML Test Score: Monitor 6, Monitor 7 (computing performance and prediction quality are watched)',
    'Sculley et al. 2015: monitoring and testing',
  ],
  severity: 'warning',
  roles: ['serving'],
  docs: `## What it finds
A request handler that runs a model — a FastAPI or APIRouter route, a Flask route, a BentoML
\`@bentoml.api\` / \`@svc.api\`, a Ray Serve deployment's \`__call__\`, a Starlette \`Route\` — in a
module that neither logs (a \`logging\` / loguru / structlog logger call) nor exports metrics
(prometheus_client, prometheus-fastapi-instrumentator, OpenTelemetry, StatsD, Evidently,
whylogs, MLflow or W&B logging), directly or in any project module it imports.

A handler that records its inputs and predictions through a helper counts as monitored: a call,
or a background task (\`background_tasks.add_task(...)\`, \`executor.submit(...)\`), of a project
function whose body logs or writes a record (a file, a database row, a queue message), or that is
named for it (\`save_prediction(request, result)\`, \`log_to_db(...)\`, \`record_request(...)\`).
Runs on serving code only (endpoint and app code), where predictions reach users.

## Why it matters
A served model degrades silently: inputs drift, an upstream feature breaks, a new model version
predicts one class for everyone. Nothing crashes, so without logged inputs and predictions and
without metrics (request rate, latency, prediction distribution) nobody notices until the business
does. Zinkevich's rules 8–10 and the ML Test Score's monitoring tests ask for this before launch;
Sculley et al. list missing monitoring as a debt of every ML system in production.

## How to fix
Log each prediction with the features it was made from (or a sample of them) and the model
version, and export metrics: counts and latency per endpoint, the distribution of predictions
and of key inputs. Instrument the app once (for example \`Instrumentator().instrument(app)\`) and
log in the handler.

## Example
\`\`\`python
# Before
@app.post("/predict")
def predict(request: PredictRequest):
    return {"score": float(model.predict_proba(request.frame())[0, 1])}

# After
logger = logging.getLogger("serving")
Instrumentator().instrument(app).expose(app)
PREDICTED = Histogram("predicted_score", "Predicted probability")

@app.post("/predict")
def predict(request: PredictRequest):
    score = float(model.predict_proba(request.frame())[0, 1])
    PREDICTED.observe(score)
    logger.info("prediction", extra={"model_version": MODEL_VERSION, "features": request.model_dump(), "score": score})
    return {"score": score}
\`\`\`

## References
- Martin Zinkevich, *Rules of Machine Learning*, rules #8 "Know the freshness requirements of your
  system", #9 "Detect problems before exporting models", #10 "Watch for silent failures".
- Breck et al., *The ML Test Score* (2017), monitoring tests; logged predictions and serving
  metrics are what Monitor 6 (computing performance) and Monitor 7 (prediction quality) watch.
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (NeurIPS 2015), "Monitoring
  and Testing".
`,
  check: {
    python(ctx) {
      const endpoints = endpointsOf(ctx.module);
      if (endpoints.length === 0) return;
      const others = ctx.project.importClosure(ctx.path).filter((p) => p !== ctx.path);
      if ([ctx.facts, ...others.map((p) => ctx.project.python(p))].some((facts) => facts !== undefined && monitors(facts))) return;
      for (const { fn, framework } of endpoints) {
        if (!predictionIn(ctx.module, fn) || recordsThroughHelper(ctx.project, ctx.path, ctx.module, fn)) continue;
        const name = fn.childForFieldName('name')!;
        ctx.report(
          name,
          `${framework} endpoint ${name.text}() serves predictions but nothing here or in the modules it imports logs them or exports metrics`,
        );
      }
    },
  },
});
