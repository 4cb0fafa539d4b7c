// A figure's parameters in the link (core/figures/params.ts): read on the figure's defaults, unknown cells named and
// left out, written back as the started choice, and reset when a figure opens or closes.
import { describe, expect, test } from 'vitest';
import { decodeRun, encodeRun } from '../../src/core/lessons';
import { budgetsWith, choiceFromLink, choiceToLink, figureParamDefaults } from '../../src/core/figures/params';
import { defaultConfig } from '../../src/core/config';

const offered = ['rnn_tanh', 'gru', 'lstm'] as const;
const defaults = { cells: ['rnn_tanh', 'lstm'] as ('rnn_tanh' | 'gru' | 'lstm')[], lagText: '5, 10', seeds: 5, steps: 1000 };

describe("a figure's parameters in the link", () => {
  test('nothing in the link: the figure’s defaults', () => {
    expect(choiceFromLink(defaultConfig(), offered, defaults)).toEqual({ choice: defaults, notice: null });
  });

  test('the link’s cells in the figure’s order, its lags as typed, seeds and budget; unknown cells named in the notice', () => {
    const { config } = decodeRun('lesson=lstm&figure=longlag&figCells=lstm,foo,rnn_tanh&figT=25,100&figSeeds=3&figSteps=700&figTask=temporal_order');
    expect(config).toMatchObject({ figure: 'longlag', figTask: 'temporal_order' });
    const { choice, notice } = choiceFromLink(config, offered, defaults);
    expect(choice).toEqual({ cells: ['rnn_tanh', 'lstm'], lagText: '25,100', seeds: 3, steps: 700 });
    expect(notice).toBe('The link\'s figCells names "foo", not one of rnn_tanh, gru, lstm; left out.');
    expect(choiceFromLink({ ...config, figCells: 'foo' }, offered, defaults).choice.cells).toEqual(defaults.cells);
  });

  test('a started choice writes itself into the link, which reads back the same; defaults write nothing', () => {
    const patch = choiceToLink({ cells: ['gru', 'lstm'], lagText: ' 10, 20 ', seeds: 2, steps: 500 }, [10, 20]);
    expect(patch).toEqual({ figCells: 'gru,lstm', figT: '10,20', figSeeds: 2, figSteps: 500 });
    const config = { ...decodeRun('lesson=lstm&figure=longlag').config, ...patch };
    const link = encodeRun(config);
    expect(link).toContain('figCells=gru%2Clstm');
    expect(decodeRun(link).config).toMatchObject(patch);
    expect(encodeRun({ ...config, ...figureParamDefaults() })).toBe('v=1&lesson=lstm&figure=longlag');
  });

  test('out-of-range seeds and budgets in a link are clamped with a notice; a budget not on the menu is added to it', () => {
    const { config, notices } = decodeRun('figSeeds=50&figSteps=-3&figTask=copy');
    expect(config).toMatchObject({ figSeeds: 20, figSteps: 0, figTask: 'adding' });
    expect(notices.join('\n')).toMatch(/figSeeds = 50 is above 20/);
    expect(notices.join('\n')).toMatch(/figTask/);
    expect(budgetsWith([100, 1000], 700)).toEqual([100, 700, 1000]);
    expect(budgetsWith([100, 1000], 1000)).toEqual([100, 1000]);
  });
});
