"""Good: pulumi.runtime.invoke_output of getRegion (the provider's own region) names an alarm topic in that region."""
import pulumi
import pulumi_aws as aws

here = pulumi.runtime.invoke_output("aws:index/getRegion:getRegion", {})
aws.sns.Topic("alarms", name=here.apply(lambda r: f"alarms-{r['region']}"))
