// The lesson card: where the lesson sits in the course, the question to answer before pressing play, what
// to look at, the verdict measured on the live run (core/lessons: the card's claim, judged by the Trainer),
// the papers, and Previous / Next.
import { lessonById, lessonNumber, LESSONS, neighbours, type Lesson, type VerdictStatus } from '../core/lessons';
import { openLesson } from '../state/controller';
import { useStore } from '../state/store';
import { PaperLink } from './PaperLink';

const STATUS_MARK: Record<VerdictStatus, string> = { holds: '✓', pending: '…', contradicted: '✗' };
const STATUS_WORD: Record<VerdictStatus, string> = { holds: 'Measured', pending: 'So far', contradicted: 'Measured, against the card' };

export function LessonCard() {
  const lesson = useStore((s) => lessonById(s.config.preset));
  if (!lesson) return null;
  return <Card lesson={lesson} />;
}

function Card({ lesson }: { lesson: Lesson }) {
  const verdict = useStore((s) => s.verdict);
  const { previous, next } = neighbours(lesson);
  return (
    <aside className="panel lesson-card" aria-labelledby="lesson-title" data-testid="lesson-card" data-lesson={lesson.id}>
      <p className="lesson-count muted">
        Lesson {lessonNumber(lesson)} of {LESSONS.length}
      </p>
      <h2 id="lesson-title">{lesson.title}</h2>
      <div className="lesson-body">
        <p className="lesson-question">
          <strong>Before you press play:</strong> {lesson.question}
        </p>
        <p className="lesson-look">
          <strong>Look at:</strong> {lesson.lookAt.text}
        </p>
        <p
          className={`lesson-verdict verdict-${verdict?.status ?? 'pending'}`}
          data-testid="lesson-verdict"
          data-status={verdict?.status ?? 'pending'}
          role="status"
          aria-live="polite"
        >
          <span aria-hidden="true">{STATUS_MARK[verdict?.status ?? 'pending']}</span>{' '}
          <strong>{STATUS_WORD[verdict?.status ?? 'pending']}:</strong> {verdict?.text ?? 'press play; the verdict is computed from the run'}
        </p>
        <details className="lesson-explanation">
          <summary>Why</summary>
          <p>{lesson.explanation}</p>
        </details>
        <p className="try">
          <strong>Try:</strong> {lesson.tryThis}
        </p>
        <p className="lesson-papers">
          <strong>Read:</strong>{' '}
          {lesson.papers.map((p, i) => (
            <span key={p.url}>
              {i > 0 && '; '}
              <PaperLink paper={p}>{p.cite}</PaperLink>
            </span>
          ))}
        </p>
      </div>
      <nav className="lesson-nav" aria-label="Lessons">
        {previous ? (
          <button type="button" onClick={() => openLesson(previous.id)} data-testid="lesson-previous" aria-label={`Previous lesson: ${lessonNumber(previous)}. ${previous.title}`} title={previous.title}>
            ← {lessonNumber(previous)}
          </button>
        ) : (
          <span />
        )}
        {next && (
          <button type="button" className="primary" onClick={() => openLesson(next.id)} data-testid="lesson-next" aria-label={`Next lesson: ${lessonNumber(next)}. ${next.title}`}>
            {lessonNumber(next)}. {next.title} →
          </button>
        )}
      </nav>
    </aside>
  );
}

/** Whether the open lesson points at `chart` (its panel is then highlighted). */
export function useLessonHighlight(chart: Lesson['lookAt']['charts'][number]): boolean {
  return useStore((s) => lessonById(s.config.preset)?.lookAt.charts.includes(chart) ?? false);
}
