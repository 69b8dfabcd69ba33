import { Duration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_NAMESPACE } from '../../lambda/contract/deployment';

/** A per-vendor counter the handlers emit (EMF), summed per 5 minutes: what the alarms and the dashboard watch. */
export function vendorMetric(metricName: string, vendorId: string, extra: Record<string, string> = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { Vendor: vendorId, ...extra },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
  });
}
