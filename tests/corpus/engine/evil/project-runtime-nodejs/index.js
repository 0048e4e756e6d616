// What a real `pulumi up` runs here.
const aws = require("@pulumi/aws");
new aws.s3.Bucket("data", { region: "us-east-1" });
