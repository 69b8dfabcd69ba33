import { Duration, Names } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { DEPLOYMENT_ID_MAX_CHARS } from '../../lambda/contract/deployment';
import { METRIC_DIMENSIONS, METRIC_NAMESPACE } from '../../lambda/contract/metrics';

/**
 * The `Deployment` dimension value of a pipeline: its stack's name and its construct path, with a
 * hash of the path (`VideoWebhooksProd-Webhooks-1A2B3C4D`). Stack names are unique in an account
 * and region, paths in a stack, so two pipelines there never share it; it stays the same from one
 * deploy to the next. Letters, digits and hyphens only, at most `DEPLOYMENT_ID_MAX_CHARS`.
 */
export function deploymentIdOf(scope: Construct): string {
  return Names.uniqueResourceName(scope, { maxLength: DEPLOYMENT_ID_MAX_CHARS, separator: '-' });
}

/**
 * A per-vendor counter the handlers of one deployment emit (EMF), summed per 5 minutes: what the
 * alarms and the dashboard watch. The dimensions are exactly an EMF dimension set the handlers
 * write (`Deployment`, `Vendor`, and the extra ones), or the alarm never sees a datapoint.
 */
export function vendorMetric(metricName: string, deployment: string, vendorId: string, extra: Record<string, string> = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { [METRIC_DIMENSIONS.deployment]: deployment, [METRIC_DIMENSIONS.vendor]: vendorId, ...extra },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
  });
}
