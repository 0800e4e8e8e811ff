import type { Question } from './ledger-rules';
import type { Verdict } from './ledger';

/** A root field's place in its request's batch: submit its question once, or leave. */
export interface Ticket {
  submit: (question: Question) => Promise<Verdict>;
  /** Leaves without a question (an error before it was ready); harmless after `submit`. */
  leave: () => void;
}

interface Waiting {
  question: Question;
  resolve: (verdict: Verdict) => void;
  reject: (error: unknown) => void;
}

/**
 * The count and breakdown fields of one request, judged together. Aliases and fragments put
 * several of them in one operation, and graphql-js runs root query fields concurrently, so
 * each enters the batch before its first await; the ledger is asked once every entrant has
 * submitted or left. Pairs within the request are then seen whatever order the fields
 * finish in, and both members of a pair get the same refusal. Made per request.
 */
export class RequestBatch {
  private entered = 0;
  private waiting: Waiting[] = [];

  constructor(private readonly decide: (questions: Question[]) => Promise<Verdict[]>) {}

  enter(): Ticket {
    this.entered += 1;
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        this.entered -= 1;
        this.flush();
      }
    };
    return {
      submit: (question) => {
        if (done) {
          throw new TypeError('A ticket submits one question, before it leaves');
        }
        const verdict = new Promise<Verdict>((resolve, reject) => {
          this.waiting.push({ question, resolve, reject });
        });
        finish();
        return verdict;
      },
      leave: finish,
    };
  }

  private flush(): void {
    if (this.entered > 0 || this.waiting.length === 0) {
      return;
    }
    // Root fields start within one turn of the event loop: wait for the turn to end, so a
    // field that finished early without I/O cannot be judged before its siblings enter.
    setImmediate(() => this.decideWaiting());
  }

  private decideWaiting(): void {
    if (this.entered > 0 || this.waiting.length === 0) {
      return;
    }
    const round = this.waiting;
    this.waiting = [];
    this.decide(round.map((entry) => entry.question)).then(
      (verdicts) => round.forEach((entry, i) => entry.resolve(verdicts[i])),
      (error: unknown) => round.forEach((entry) => entry.reject(error)),
    );
  }
}
