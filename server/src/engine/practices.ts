// The ten practices, said in a paragraph each: what the practice page in the editor opens with,
// above the checks that serve it.
import { Practice } from './types';

export const PRACTICE_TEXTS: Record<Practice, string> = {
  P1:
    'Start from the problem, not from the technique. Write down what the model is for, who uses its output, ' +
    'which metric says it works and what the process does today without it, before any model is trained: ' +
    'many problems are solved better by a rule, a query or a report, and a project without a stated goal ' +
    'cannot tell when it is done.',
  P2:
    'An ML system needs people who own it: data engineers, ML engineers, software and operations engineers ' +
    'and the domain experts who know what the data means. Ownership written into the repository (who reviews ' +
    'models, features and data) keeps changes to a model from going unreviewed.',
  P3:
    'ML work is a project with phases: business and data understanding, data preparation, modelling, ' +
    'evaluation and deployment (CRISP-ML(Q), Microsoft\'s Team Data Science Process). A layout, a charter and ' +
    'named, finished notebooks make each phase visible and its results findable.',
  P4:
    'No AI without IA (information architecture): a model is only as good as the data it learns from. Know ' +
    'where the data comes from and what each field means (a data dictionary), validate it at every boundary ' +
    '(schemas, dtypes, joins), never mutate raw data, and handle missing values on purpose.',
  P5:
    'Common-sense ML over en-vogue ML (Zinkevich\'s Rules of Machine Learning): a simple model with a sound ' +
    'evaluation beats a complex one evaluated wrongly. Beat a baseline, split before preprocessing, evaluate ' +
    'on held-out data with metrics that fit the decision, and get the training loop right.',
  P6:
    'The flywheel: continuous integration, delivery and training come first. Tests and checks run on every ' +
    'change, a model is validated before it is served, inputs are validated and predictions monitored in ' +
    'production, and a decaying model is retrained, exchanged or replaced by a heuristic.',
  P7:
    'Version everything that makes a result: code, configuration, data, models, hyperparameters and ' +
    'experiments. Pin the environment, seed randomness, keep data and models out of git (DVC, LFS, a ' +
    'registry) and run notebooks top to bottom, so that a result can be reproduced and compared.',
  P8:
    'Design for ML: models are replaceable parts behind stable interfaces, loosely coupled to the code around ' +
    'them. Training and serving share feature code, pipelines are explicit steps rather than scripts that hand ' +
    'files to each other, and models load once, not per request.',
  P9:
    'The hidden costs of ML (Sculley et al.): glue code, pipeline jungles, dead experimental code paths and ' +
    'configuration debt grow faster than the model improves. Keep hyperparameters and paths in configuration, ' +
    'delete what no longer runs, keep secrets and absolute paths out of the code.',
  P10:
    'Responsible AI: a model that decides about people must be fair, explainable and respect their privacy. ' +
    'Keep sensitive attributes out of the features unless their use is justified and audited, keep personal ' +
    'data out of the repository, and document intended use and limits in a model card.',
};
