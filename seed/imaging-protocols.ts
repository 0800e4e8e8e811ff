/**
 * Imaging protocols of the synthetic archive: what a study of each kind holds. Body parts are
 * DICOM defined terms (PS3.16 Annex L); image counts are per series.
 */

export interface SeriesProtocol {
  description: string;
  /** Differs from the study's modality for the CT series of a PET-CT. */
  modality?: string;
  sliceThicknessMm: number | null;
  images: readonly [min: number, max: number];
}

export interface StudyProtocol {
  modality: string;
  bodyPart: string;
  description: string;
  /** Candidate series in acquisition order; a study takes the first n. */
  series: readonly SeriesProtocol[];
  seriesCount: readonly [min: number, max: number];
}

// Radiographs are filed as DX; the writer turns older ones into CR, as plates were then.
const radiograph = (bodyPart: string, description: string): StudyProtocol => ({
  modality: 'DX',
  bodyPart,
  description,
  series: [
    { description: 'PA', sliceThicknessMm: null, images: [1, 1] },
    { description: 'Lateral', sliceThicknessMm: null, images: [1, 1] },
  ],
  seriesCount: [1, 2],
});

export const PROTOCOLS = {
  chestXray: radiograph('CHEST', 'XR Chest'),
  hipXray: radiograph('HIP', 'XR Hip and Pelvis'),
  ctChest: {
    modality: 'CT',
    bodyPart: 'CHEST',
    description: 'CT Thorax with contrast',
    series: [
      { description: 'Axial 2.5mm Mediastinum', sliceThicknessMm: 2.5, images: [110, 150] },
      { description: 'Axial 1.25mm Lung', sliceThicknessMm: 1.25, images: [220, 300] },
      { description: 'Coronal MPR 3mm', sliceThicknessMm: 3, images: [100, 130] },
    ],
    seriesCount: [1, 2],
  },
  ctChestLowDose: {
    modality: 'CT',
    bodyPart: 'CHEST',
    description: 'CT Chest High Resolution',
    series: [
      { description: 'HRCT 1mm Lung', sliceThicknessMm: 1, images: [250, 300] },
      { description: 'Expiratory 1mm', sliceThicknessMm: 1, images: [100, 140] },
    ],
    seriesCount: [1, 2],
  },
  ctCoronary: {
    modality: 'CT',
    bodyPart: 'CHEST',
    description: 'CT Coronary Angiogram',
    series: [
      { description: 'Calcium Score 3mm', sliceThicknessMm: 3, images: [100, 120] },
      { description: 'CTCA 0.625mm 75%', sliceThicknessMm: 0.625, images: [220, 300] },
    ],
    seriesCount: [1, 2],
  },
  ctHead: {
    modality: 'CT',
    bodyPart: 'HEAD',
    description: 'CT Head',
    series: [
      { description: 'Axial 5mm Brain', sliceThicknessMm: 5, images: [100, 110] },
      { description: 'Axial 1.25mm Brain', sliceThicknessMm: 1.25, images: [120, 160] },
    ],
    seriesCount: [1, 2],
  },
  ctAbdomen: {
    modality: 'CT',
    bodyPart: 'ABDOMEN',
    description: 'CT Abdomen and Pelvis with contrast',
    series: [
      { description: 'Portal Venous 2.5mm', sliceThicknessMm: 2.5, images: [160, 220] },
      { description: 'Coronal MPR 3mm', sliceThicknessMm: 3, images: [100, 140] },
    ],
    seriesCount: [1, 2],
  },
  mrBrain: {
    modality: 'MR',
    bodyPart: 'HEAD',
    description: 'MRI Brain',
    series: [
      { description: 'Ax T2 FLAIR', sliceThicknessMm: 5, images: [24, 30] },
      { description: 'Ax DWI b1000', sliceThicknessMm: 5, images: [50, 75] },
      { description: 'Ax SWI', sliceThicknessMm: 2, images: [60, 88] },
      { description: 'Sag T1 MPRAGE', sliceThicknessMm: 1, images: [160, 192] },
    ],
    seriesCount: [2, 3],
  },
  mrSpine: {
    modality: 'MR',
    bodyPart: 'LSPINE',
    description: 'MRI Lumbar Spine',
    series: [
      { description: 'Sag T2 TSE', sliceThicknessMm: 4, images: [15, 20] },
      { description: 'Sag T1 TSE', sliceThicknessMm: 4, images: [15, 20] },
      { description: 'Ax T2 TSE', sliceThicknessMm: 4, images: [20, 40] },
    ],
    seriesCount: [2, 3],
  },
  mrKnee: {
    modality: 'MR',
    bodyPart: 'KNEE',
    description: 'MRI Knee',
    series: [
      { description: 'Sag PD FS', sliceThicknessMm: 3, images: [25, 35] },
      { description: 'Cor PD FS', sliceThicknessMm: 3, images: [25, 30] },
      { description: 'Ax PD FS', sliceThicknessMm: 3, images: [25, 35] },
    ],
    seriesCount: [2, 3],
  },
  usAbdomen: {
    modality: 'US',
    bodyPart: 'ABDOMEN',
    description: 'US Abdomen',
    series: [{ description: 'Abdomen', sliceThicknessMm: null, images: [3, 8] }],
    seriesCount: [1, 1],
  },
  usPelvis: {
    modality: 'US',
    bodyPart: 'PELVIS',
    description: 'US Pelvis',
    series: [{ description: 'Pelvis', sliceThicknessMm: null, images: [3, 8] }],
    seriesCount: [1, 1],
  },
  usEcho: {
    modality: 'US',
    bodyPart: 'HEART',
    description: 'Echocardiogram',
    series: [{ description: 'TTE', sliceThicknessMm: null, images: [10, 30] }],
    seriesCount: [1, 1],
  },
  mammogram: {
    modality: 'MG',
    bodyPart: 'BREAST',
    description: 'MG Bilateral Screening',
    series: [
      { description: 'R CC / R MLO', sliceThicknessMm: null, images: [2, 2] },
      { description: 'L CC / L MLO', sliceThicknessMm: null, images: [2, 2] },
    ],
    seriesCount: [2, 2],
  },
  nmBone: {
    modality: 'NM',
    bodyPart: 'WHOLEBODY',
    description: 'NM Bone Scan Whole Body',
    series: [
      { description: 'WB Anterior', sliceThicknessMm: null, images: [1, 1] },
      { description: 'WB Posterior', sliceThicknessMm: null, images: [1, 1] },
    ],
    seriesCount: [2, 2],
  },
  nmHeart: {
    modality: 'NM',
    bodyPart: 'HEART',
    description: 'NM Myocardial Perfusion',
    series: [
      { description: 'Stress SPECT', sliceThicknessMm: 6.4, images: [1, 2] },
      { description: 'Rest SPECT', sliceThicknessMm: 6.4, images: [1, 2] },
    ],
    seriesCount: [2, 2],
  },
  nmBrain: {
    modality: 'NM',
    bodyPart: 'HEAD',
    description: 'NM DaTscan',
    series: [{ description: 'SPECT Brain', sliceThicknessMm: 3.3, images: [1, 1] }],
    seriesCount: [1, 1],
  },
  petCt: {
    modality: 'PT',
    bodyPart: 'WHOLEBODY',
    description: 'PET-CT FDG Whole Body',
    series: [
      { description: 'PET AC', sliceThicknessMm: 3, images: [200, 280] },
      { description: 'CT AC 3.75mm', modality: 'CT', sliceThicknessMm: 3.75, images: [200, 280] },
    ],
    seriesCount: [1, 2],
  },
  petBrain: {
    modality: 'PT',
    bodyPart: 'HEAD',
    description: 'PET Brain Amyloid',
    series: [{ description: 'PET Brain AC', sliceThicknessMm: 2, images: [80, 110] }],
    seriesCount: [1, 1],
  },
} satisfies Record<string, StudyProtocol>;

export type ProtocolName = keyof typeof PROTOCOLS;

/** Radiographs of other body parts, for background X-ray work. */
export const OTHER_RADIOGRAPHS: readonly StudyProtocol[] = [
  radiograph('KNEE', 'XR Knee'),
  radiograph('HAND', 'XR Hand'),
  radiograph('FOOT', 'XR Foot'),
  radiograph('SHOULDER', 'XR Shoulder'),
  radiograph('LSPINE', 'XR Lumbar Spine'),
  radiograph('WRIST', 'XR Wrist'),
  radiograph('ANKLE', 'XR Ankle'),
];

/** Scanner models by manufacturer and modality. */
export const SCANNERS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  CT: [
    ['SIEMENS', 'SOMATOM Definition AS'],
    ['SIEMENS', 'SOMATOM Force'],
    ['GE MEDICAL SYSTEMS', 'LightSpeed VCT'],
    ['GE MEDICAL SYSTEMS', 'Revolution CT'],
    ['Philips', 'Brilliance 64'],
    ['Philips', 'IQon - Spectral CT'],
    ['Canon', 'Aquilion ONE'],
    ['Canon', 'Aquilion Prime SP'],
  ],
  MR: [
    ['SIEMENS', 'Avanto'],
    ['SIEMENS', 'Skyra'],
    ['SIEMENS', 'Prisma'],
    ['GE MEDICAL SYSTEMS', 'Signa HDxt'],
    ['GE MEDICAL SYSTEMS', 'DISCOVERY MR750'],
    ['Philips', 'Achieva'],
    ['Philips', 'Ingenia'],
    ['Canon', 'Vantage Orian'],
  ],
  CR: [
    ['Philips', 'PCR Eleva S'],
    ['Canon', 'CXDI-50C'],
    ['GE MEDICAL SYSTEMS', 'Definium 6000'],
  ],
  DX: [
    ['SIEMENS', 'Ysio Max'],
    ['GE MEDICAL SYSTEMS', 'Definium 656'],
    ['Philips', 'DigitalDiagnost C90'],
    ['Canon', 'CXDI-710C'],
  ],
  US: [
    ['SIEMENS', 'ACUSON S2000'],
    ['GE MEDICAL SYSTEMS', 'LOGIQ E9'],
    ['Philips', 'EPIQ 7G'],
    ['Canon', 'Aplio i800'],
  ],
  MG: [
    ['SIEMENS', 'MAMMOMAT Inspiration'],
    ['GE MEDICAL SYSTEMS', 'Senographe Pristina'],
    ['Philips', 'MicroDose SI'],
  ],
  NM: [
    ['SIEMENS', 'Symbia Intevo'],
    ['GE MEDICAL SYSTEMS', 'Discovery NM/CT 670'],
    ['Philips', 'BrightView XCT'],
  ],
  PT: [
    ['SIEMENS', 'Biograph mCT'],
    ['GE MEDICAL SYSTEMS', 'Discovery MI'],
    ['Philips', 'Vereos PET/CT'],
  ],
};
