// Unit tests run on tfjs's CPU backend (SPEC 1: outcomes are checked on CPU).
import * as tf from '@tensorflow/tfjs';
import { beforeAll } from 'vitest';

// tfjs prints a hint to install tfjs-node; it is not wanted here.
tf.env().set('IS_TEST', true);

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});
