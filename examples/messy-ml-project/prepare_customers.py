import pandas as pd
import yaml

with open("settings/crm.yaml") as f:
    crm_settings = yaml.safe_load(f)

crm = pd.read_json("exports/crm_dump.json")
crm = crm[crm["status"].isin(crm_settings["statuses"])]
crm.to_csv("data/customers.csv", index=False)
