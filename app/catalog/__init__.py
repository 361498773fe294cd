"""The union catalogue: records (MARC is the truth), versions, holdings, search, import and export."""
