import type { Classification } from '../domain/intent';

export interface Classifier {
  classify(text: string): Promise<Classification>;
}
