"""The centre's numbered bulletin (联机编目中心简报): written by trainers, reviewed, published."""
