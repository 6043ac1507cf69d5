import { describe, expect, it } from 'vitest';
import { request, TEST_PASSWORD, useTestApp } from '../test/testApp';

const t = useTestApp({ LOGIN_RATE_LIMIT_MAX: '3', LOGIN_RATE_LIMIT_WINDOW_MINUTES: '15' });

describe('login rate limit', () => {
  it('blocks an e-mail after too many attempts, even with the right password, then lets others in', async () => {
    const user = await t.insertUser('Sampler');
    for (let attempt = 0; attempt < 3; attempt++) {
      await request(t.app)
        .post('/api/auth/login')
        .send({ email: user.email, password: 'wrong password' })
        .expect(401);
    }
    const blocked = await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(429);
    expect(blocked.body.error).toBe('TooManyRequests');
    expect(blocked.body.message).toMatch(/^Trop de tentatives/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);

    const other = await t.insertUser('Sampler');
    await request(t.app)
      .post('/api/auth/login')
      .send({ email: other.email, password: TEST_PASSWORD })
      .expect(200);
  });

  it('a successful login resets the counter', async () => {
    const user = await t.insertUser('NationalObserver');
    await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: 'wrong password' })
      .expect(401);
    await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: 'wrong password' })
      .expect(401);
    await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(200);
    for (let attempt = 0; attempt < 3; attempt++) {
      await request(t.app)
        .post('/api/auth/login')
        .send({ email: user.email, password: TEST_PASSWORD })
        .expect(200);
    }
  });

  it('a window that has passed starts again', async () => {
    const user = await t.insertUser('Sampler');
    for (let attempt = 0; attempt < 4; attempt++) {
      await request(t.app)
        .post('/api/auth/login')
        .send({ email: user.email, password: 'wrong password' });
    }
    await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(429);
    await t.db('rateLimits').update({ windowEndsAt: new Date(Date.now() - 1000) });
    await request(t.app)
      .post('/api/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD })
      .expect(200);
  });
});
