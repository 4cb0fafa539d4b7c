// A link to a paper the page cites, opened beside the page (a class keeps its place): its title, or what is given.
import type { ReactNode } from 'react';
import type { Paper } from '../core/lessons/types';

export function PaperLink({ paper, children }: { paper: Paper; children?: ReactNode }) {
  return (
    <a href={paper.url} target="_blank" rel="noopener noreferrer" title={paper.title}>
      {children ?? paper.title}
    </a>
  );
}
