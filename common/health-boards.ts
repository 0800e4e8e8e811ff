/** The 14 NHS Scotland health boards, as the EHR site records residence. */
export const HEALTH_BOARDS = [
  'Ayrshire and Arran',
  'Borders',
  'Dumfries and Galloway',
  'Fife',
  'Forth Valley',
  'Grampian',
  'Greater Glasgow and Clyde',
  'Highland',
  'Lanarkshire',
  'Lothian',
  'Orkney',
  'Shetland',
  'Tayside',
  'Western Isles',
] as const;
