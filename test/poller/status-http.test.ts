/**
 * The status client's transport (lambda/http/http-get.ts) on its own, against real servers on
 * 127.0.0.1: it hands over a response at its headers, reads the body only when asked (decoded,
 * capped), follows no redirect, and never rejects: a timeout and a failed connection are results.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { httpGet, type HttpResponse } from '../../lambda/http/http-get';

describe('the status HTTP transport', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync('{"ok":true}'));
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: `${base}/gzip` }).end();
      } else if (req.url === '/trickle') {
        res.writeHead(200, { 'content-type': 'application/json' }).write('{"slow":'); // never ends
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('x'.repeat(10_000));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = async (path: string, timeoutMs = 2000) => httpGet({ url: `${base}${path}`, headers: {} }, timeoutMs);

  it('hands over the status and headers, and the body decoded when read', async () => {
    const response = (await get('/gzip')) as HttpResponse;
    expect(response).toMatchObject({ kind: 'response', status: 200 });
    expect(response.get('Content-Encoding')).toBe('gzip');
    expect((await response.read(1024)).toString()).toBe('{"ok":true}');
  });

  it('follows no redirect: the 302 is the response', async () => {
    const response = (await get('/moved')) as HttpResponse;
    expect({ status: response.status, location: response.get('location') }).toEqual({ status: 302, location: `${base}/gzip` });
    response.discard();
  });

  it('stops reading at the cap and says why', async () => {
    const response = (await get('/big')) as HttpResponse;
    expect(await response.read(1000)).toEqual({ kind: 'unreadable', problem: 'body over 1000 bytes' });
  });

  it('gives a timeout, not a rejection, when the body trickles past it', async () => {
    const response = (await get('/trickle', 300)) as HttpResponse;
    expect(response.kind).toBe('response');
    expect(await response.read(1024)).toEqual({ kind: 'failed', cause: 'timeout' });
  });

  it('gives a network failure, not a rejection, for a refused connection or a scheme other than http(s)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await httpGet({ url: `http://127.0.0.1:${port}/`, headers: {} }, 1000)).toEqual({ kind: 'failed', cause: 'network' });
    expect(await httpGet({ url: 'ftp://127.0.0.1/x', headers: {} }, 1000)).toEqual({ kind: 'failed', cause: 'network' });
  });
});
