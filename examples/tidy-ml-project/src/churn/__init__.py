"""Customer churn model: data contract, features, training and serving."""
