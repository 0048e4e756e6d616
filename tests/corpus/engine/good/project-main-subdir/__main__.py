"""Good: Pulumi.yaml main: app/ (the program lives in a subdirectory of the project), everything eu-west-1"""
# The program is app/__main__.py.
