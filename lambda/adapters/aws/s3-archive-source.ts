/**
 * The archive on S3 (the delivery stream's bucket): a partition's objects listed with
 * ListObjectsV2 under `<prefix><partition>`, read with GetObject. Only the partitions a replay
 * asks for are listed, so a vendor and a time range cost only their own objects.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ArchiveSource } from '../../core/archive-records';

export class S3ArchiveSource implements ArchiveSource {
  /**
   * `prefix`: what the partitions start after (`archive/`, or empty); keys given out are relative
   * to it. `pageSize`: keys a listing asks for at once (S3's default and most: 1,000).
   */
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly pageSize?: number,
  ) {}

  /**
   * A general purpose bucket lists keys in ascending order
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html), 1,000 a page at most.
   */
  async *keys(partition: string, startAfter?: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: `${this.prefix}${partition}`,
          ...(this.pageSize !== undefined ? { MaxKeys: this.pageSize } : {}),
          ...(token ? { ContinuationToken: token } : startAfter !== undefined ? { StartAfter: `${this.prefix}${startAfter}` } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key?.startsWith(this.prefix) && !object.Key.endsWith('/')) yield object.Key.slice(this.prefix.length);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async open(key: string): Promise<AsyncIterable<Uint8Array>> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${key}` }));
    // In Node.js the body is the response stream (an async iterable of bytes).
    if (!object.Body) return (async function* () {})();
    return object.Body as unknown as AsyncIterable<Uint8Array>;
  }
}
