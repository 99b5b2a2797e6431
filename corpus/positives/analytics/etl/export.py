import pandas as pd
from sqlalchemy import create_engine

# legacy CRM still on MySQL
crm = create_engine("mysql://crm_export:fynhDmN0ezZ-MO4lj@mysql-crm.internal:3306/crm")


def export_clients(path: str) -> None:
    df = pd.read_sql("SELECT id, tier, country, created_at FROM clients", crm)
    df.to_parquet(path, index=False)
