"""Evil: a state migration (code the engine runs only when prior state exists, at deploy time) rewrites the bucket's prior us-east-1 region to eu-west-1, so the engine keeps the us-east-1 bucket: the gate cannot run it -> exit 2"""
import pulumi
import pulumi_aws as aws


def pin_region(args: pulumi.StateMigrationArgs):
    new_state = []
    for res in args.old_state:
        res = dict(res)
        for key in ("inputs", "outputs"):
            res[key] = {**res.get(key, {}), "region": "eu-west-1"}
        new_state.append(res)
    return pulumi.StateMigrationResult(new_state=new_state)


aws.s3.Bucket("records", region="eu-west-1", opts=pulumi.ResourceOptions(state_migrations=[pin_region]))
