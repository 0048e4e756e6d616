"""Evil: a us-east-1 bucket registered only when a component's output (an RDS endpoint it re-exports) has a value -> require-eea-location."""
import pulumi
import pulumi_aws as aws


class Database(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("corp:data:Database", name, None, opts)
        db = aws.rds.Instance(f"{name}-db", engine="postgres", instance_class="db.t4g.micro",
                              allocated_storage=20, username="app", manage_master_user_password=True,
                              skip_final_snapshot=True, opts=pulumi.ResourceOptions(parent=self))
        self.endpoint = db.endpoint
        self.register_outputs({"endpoint": self.endpoint})


database = Database("cases")
database.endpoint.apply(
    lambda ep: aws.s3.Bucket("cases-export", region="us-east-1") if ep and ":" in ep else None)
